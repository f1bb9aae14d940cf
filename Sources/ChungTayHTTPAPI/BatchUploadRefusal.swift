/// Why the upload spool would not take a piece or start a seal. Each case becomes a
/// problem document in `BatchRoutes`; the spool itself knows nothing of HTTP.
enum BatchUploadRefusal: Error, Equatable, Sendable {
    /// The batch's pieces together would pass `BatchUploadSpool.maximumBatchBytes`.
    case batchTooLarge(limit: Int64)
    /// `BatchUploadSpool.maximumOpenUploads` batches already have a spool.
    case tooManyOpenUploads(limit: Int)
    /// The caller's identity already has `BatchUploadSpool.maximumUploadsPerOwner` spools.
    case tooManyOwnUploads(limit: Int)
    /// All spools together would pass `BatchUploadSpool.maximumSpoolBytes`.
    case spoolFull(limit: Int64)
    /// A seal of the batch is under way: no piece may change the lists it reads.
    case sealing
    /// `?file=` on a later piece naming another file than the first piece did.
    case fileAlreadyNamed(String)
    /// `?file=` that is no plain file name, or whose extension is not the piece's format's.
    case badFileName(String)
    /// A piece in another format than the list's first piece.
    case formatMismatch(list: String, expected: BatchUploadFormat)
    /// `?offset=` that is neither the list's length nor a piece already appended there.
    case offsetMismatch(length: Int64)
    /// A seal of a batch whose household list was never uploaded.
    case noHouseholdList
    /// The data directory could not be written (the errno's text).
    case storage(String)
}

extension BatchUploadRefusal {
    /// The problem document the caller gets.
    var problem: HTTPProblem {
        switch self {
        case .batchTooLarge(let limit):
            .tooLarge("a batch's uploaded lists hold at most \(limit) bytes together")
        case .tooManyOpenUploads(let limit):
            // The listener's capacity rather than this caller's rate, but the cure is the same: later.
            HTTPProblem(
                status: .tooManyRequests, code: "rate_limited",
                detail: "\(limit) batches are being uploaded already; seal one or retry later", headers: [.retryAfter: "60"])
        case .tooManyOwnUploads(let limit):
            HTTPProblem(
                status: .tooManyRequests, code: "rate_limited",
                detail: "you are uploading \(limit) batches already, the most one identity may; seal one or retry later",
                headers: [.retryAfter: "60"])
        case .spoolFull(let limit):
            // As a full disk would be: the dispatcher's storage, for now, with a cure in time.
            HTTPProblem(
                status: .serviceUnavailable, code: "storage",
                detail: "the batches being uploaded hold \(limit) bytes together, the most the listener spools; retry once some are sealed",
                headers: [.retryAfter: "60"])
        case .sealing:
            HTTPProblem(wireCode: "batch_sealed", detail: "the batch is being sealed: its lists take no more pieces and no second seal starts")
        case .fileAlreadyNamed(let name):
            .badRequest("this list's file is \(name): file names the first piece only")
        case .badFileName(let name):
            .badRequest(
                "file '\(name.prefix(BatchUploadSpool.maximumFileNameBytes))' must be 1 to \(BatchUploadSpool.maximumFileNameBytes) "
                    + "bytes of letters, digits, '.', '_' and '-', not starting with '.', with the extension of the content type "
                    + "(.csv; .jsonl, .ndjson or .json)")
        case .formatMismatch(let list, let expected):
            .unsupportedMediaType("the \(list) list's first piece was \(expected == .csv ? "text/csv" : "JSON Lines"): every piece must be")
        case .offsetMismatch(let length):
            HTTPProblem(
                wireCode: "batch_mismatch", detail: "the list holds \(length) bytes: offset must be \(length), or that of a piece already taken")
        case .noHouseholdList:
            HTTPProblem(wireCode: "seal_mismatch", detail: "no household list was uploaded to this batch: nothing to seal")
        case .storage(let text):
            HTTPProblem(wireCode: "storage", detail: "the upload could not be written: \(text)")
        }
    }
}
