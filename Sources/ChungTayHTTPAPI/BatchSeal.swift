import ChungTayBatchInput
import ChungTayWire
import Foundation

/// `POST /v1/batches/{batch}:seal`: what `chungtay batch submit` does with its files, done
/// with a batch's uploaded lists on behalf of the batch's owner.
///
/// The same pass 1 (`ListIndex`), the same chunks (`ChunkPlanner`, 500 households each,
/// `batch submit`'s default) and the same jobs (`BatchChunk.job(batchId:)`: kinds,
/// idempotency keys `BATCH:h:N` / `BATCH:l:N`, counters), so the stored documents are those
/// of the same files given to `batch submit`, and either may resume the other's chunks. As
/// there, a seal that failed part way (the dispatcher restarted, a chunk refused) is resumed
/// by calling it again: the chunks from 64 before the dispatcher's accepted count are
/// submitted again, and their keys make the overlap harmless.
///
/// Bounded, since it runs in the dispatcher's process on lists remote callers sent: one
/// seal at a time (`BatchSealGate`); at most `maxSealHouseholds` / `maxSealLoans` records,
/// refused (413) while pass 1 reads them (pass 1's peak, measured on the demo lists in the
/// debug build: about 190 bytes a household and 110 a loan, +76 MB for 400,000 households
/// and +104 MB with their 320,000 loans; so the defaults, 500,000 and 1,000,000, bound a
/// seal to about 0.2 GB, within the deployments' dispatcher memory limits); and no chunk whose job would pass the
/// dispatcher's largest message (a bigger frame makes libzmq drop the gateway's
/// connection, failing other callers' requests): a first seal builds every chunk once
/// before it sends any, so such a list is refused with nothing sent.
struct BatchSeal {
    /// Households per household chunk, loans per loan-only chunk: `batch submit`'s default,
    /// and fixed, since a resumed seal must cut the lists exactly as the first did.
    static let chunkSize = 500
    /// Chunks per SUBMIT (fewer when two would pass the largest message) and SUBMITs
    /// awaiting their ACCEPTED, as `batch submit` sends them.
    static let chunksPerSubmit = 2
    static let submitsInFlight = 8
    /// How far before the accepted count a resumed seal starts (`batch submit`'s margin: the
    /// chunks in flight when the earlier run stopped may have been accepted out of order).
    static let resumeMargin = 64
    /// Bytes of a SUBMIT besides its payloads: the routing id, protocol header and
    /// delegated principal per message, kind, key, batch id and counters per job (each far
    /// below these).
    static let messageReserve = 4096
    static let jobReserve = 1024

    let services: APIServices
    /// Who asked: the dispatcher let it read the batch's status, so it is the batch's owner
    /// or an operator.
    let caller: HTTPCaller

    /// Submits the chunks of the spooled `lists` into the batch `status` describes, then
    /// seals it; returns the sealed batch's BATCH-INFO document.
    func run(_ status: BatchStatus, lists: BatchUploadSpool.Lists) async throws(HTTPProblem) -> [UInt8] {
        try await BatchSealGate.shared.withTurn { () async throws(HTTPProblem) -> [UInt8] in
            try await seal(status, lists: lists)
        }
    }

    /// The principal the chunks and the seal are sent for: the batch's owner as the
    /// dispatcher recorded it. Idempotency keys are scoped by the submitting principal, so
    /// an operator resuming a client's seal under its own name would submit the resumed
    /// overlap again as new chunks (and the seal's counts would never match); for the
    /// owner it is harmless. The caller may act for the owner: it read the batch's status.
    static func owner(of status: BatchStatus, caller: HTTPCaller) -> HTTPCaller {
        let recorded = status.audit.submittedBy
        guard caller.principal != nil, recorded != caller.principal, DelegatedPrincipal.isValid(recorded) else { return caller }
        return HTTPCaller(principal: recorded, isOperator: recorded.hasPrefix("operators/"), limitKey: caller.limitKey)
    }

    private func seal(_ status: BatchStatus, lists: BatchUploadSpool.Lists) async throws(HTTPProblem) -> [UInt8] {
        let configuration = services.configuration
        let owner = Self.owner(of: status, caller: caller)
        let limits = (households: configuration.maxSealHouseholds, loans: configuration.maxSealLoans)
        let index = try await Self.offPool("chungtay-http-seal", lists: lists, configuration: configuration) { () throws(BatchInputError) -> ListIndex in
            try ListIndex(
                households: lists.households, loans: lists.loans, maximumHouseholds: limits.households, maximumLoans: limits.loans,
                refusingInvalidUTF8: true)
        }
        let messageLimit = configuration.maxMessageBytes
        let planner = ChunkPlanner(
            index: index, batch: BatchHeader(id: status.id, asOf: status.asOf, whatIf: status.whatIf), chunkSize: Self.chunkSize,
            maximumPayloadBytes: max(1, messageLimit - Self.messageReserve - Self.jobReserve))
        // The counts come from the dispatcher: clamped, so no number it sends can trap or overshoot.
        let accepted = min(max(status.chunks.householdsAccepted, 0), planner.chunkCount)
            + min(max(status.chunks.loansAccepted, 0), planner.chunkCount)
        let start = min(planner.chunkCount, max(0, accepted - Self.resumeMargin))
        if start == 0 {
            // Every chunk built once and dropped, so a chunk too large refuses the seal
            // before any is sent (a resumed seal had this check on its first run).
            do throws(HTTPProblem) {
                try await Self.offPool("chungtay-http-seal-check", lists: lists, configuration: configuration) {
                    () throws(BatchInputError) -> Void in
                    let chunks = try planner.chunks()
                    while try chunks.next() != nil {}
                }
            } catch {
                var problem = error
                problem.detail += " (no chunk was sent)"
                throw problem
            }
        }
        var submitted = start
        do {
            let chunks = try planner.chunks(from: start)
            try await withThrowingTaskGroup(of: Int.self) { group in
                var inFlight = 0
                var held: BatchChunk?
                while true {
                    // Built here, one SUBMIT's worth at a time: a chunk is a few hundred
                    // kilobytes read by offset, so at most `submitsInFlight` SUBMITs are held.
                    var jobs: [JobSpec] = []
                    var bytes = Self.messageReserve
                    while jobs.count < Self.chunksPerSubmit {
                        let next: BatchChunk?
                        if let chunk = held { next = chunk } else { next = try chunks.next() }
                        held = nil
                        guard let chunk = next else { break }
                        let size = chunk.payload.count + Self.jobReserve
                        if !jobs.isEmpty, bytes + size > messageLimit {
                            held = chunk
                            break
                        }
                        jobs.append(chunk.job(batchId: status.id))
                        bytes += size
                    }
                    if jobs.isEmpty { break }
                    if inFlight == Self.submitsInFlight, let done = try await group.next() {
                        submitted += done
                        inFlight -= 1
                    }
                    group.addTask { [jobs] in
                        guard case .accepted(let receipts) = try await services.call(.submit(jobs), for: owner),
                            receipts.count == jobs.count
                        else { throw JobRoutes.unexpectedReply("ACCEPTED with a receipt per chunk") }
                        return jobs.count
                    }
                    inFlight += 1
                }
                while let done = try await group.next() { submitted += done }
            }
        } catch {
            let partly = "\(submitted) of \(planner.chunkCount) chunks are accepted; POST :seal again to resume"
            switch error {
            case var problem as HTTPProblem:
                problem.detail += " (\(partly))"
                throw problem
            case let input as BatchInputError:
                var problem = Self.problem(input, lists: lists, configuration: configuration)
                problem.detail += " (\(partly))"
                throw problem
            default: throw .internal("\(error) (\(partly))")
            }
        }
        guard case .batchInfo(let document) = try await services.call(
            .batchSeal(BatchSealing(
                batchId: status.id, householdChunks: planner.householdChunkCount, loanChunks: planner.loanChunkCount,
                inputErrors: index.inputErrorCount)),
            for: owner)
        else { throw JobRoutes.unexpectedReply("BATCH-INFO") }
        return document
    }

    /// Reads the lists on a thread of its own (pass 1: about 4 s for the 1,000,000-household
    /// demo, and it waits for its own helper threads; the size check: as long as pass 2),
    /// which must not hold one of the few threads the concurrency pool has.
    private static func offPool<Value: Sendable>(
        _ name: String, lists: BatchUploadSpool.Lists, configuration: HTTPAPIConfiguration, _ work: @escaping @Sendable () throws(BatchInputError) -> Value
    ) async throws(HTTPProblem) -> Value {
        let outcome = await withCheckedContinuation { (done: CheckedContinuation<Result<Value, BatchInputError>, Never>) in
            let thread = Thread {
                do throws(BatchInputError) {
                    done.resume(returning: .success(try work()))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
            thread.name = name
            thread.start()
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let error): throw problem(error, lists: lists, configuration: configuration)
        }
    }

    /// A list that cannot be read as `batch submit` would read it, or that is over a
    /// limit, named as the caller named it (`households/NAME`: the spool's place, in the
    /// data directory, is left out).
    private static func problem(_ error: BatchInputError, lists: BatchUploadSpool.Lists, configuration: HTTPAPIConfiguration) -> HTTPProblem {
        let detail = error.description.replacingOccurrences(of: lists.directory, with: "")
        switch error {
        // The office-file refusals cannot come from the seal, which reads machine files only; they are
        // answered like an unreadable header.
        case .notUTF8(let path, let line):
            // A list in another encoding would otherwise be reviewed as unreadable records.
            let file = path.replacingOccurrences(of: lists.directory, with: "")
            return HTTPProblem(
                wireCode: "payload_invalid",
                detail: "line \(line) of \(file) is not UTF-8: list pieces are uploaded in UTF-8 (convert the file, e.g. "
                    + "`iconv -f WINDOWS-1258 -t UTF-8`, or submit it with `chungtay batch submit`, which reads "
                    + "Windows-1258, TCVN3 and VNI); no chunk was sent")
        case .unreadableHeader, .unknownFormat, .unrecognisedEncoding, .noHeaderRow, .mixedNumberLocales, .noSuchSheet,
            .unreadableWorkbook, .optionNotApplicable:
            return HTTPProblem(wireCode: "payload_invalid", detail: detail)
        case .tooLarge(let path):
            let isHouseholds = path == lists.households
            let limit = isHouseholds ? configuration.maxSealHouseholds : configuration.maxSealLoans
            return .tooLarge(
                "the \(isHouseholds ? "household" : "loan") list holds more than \(limit) records, the most one seal reads "
                    + "(--http-seal-max-\(isHouseholds ? "households" : "loans")); submit larger lists with `chungtay batch submit`")
        case .chunkTooLarge(let path, let line, let limit):
            let file = path.replacingOccurrences(of: lists.directory, with: "")
            let what = path == lists.households ? "the household on line \(line) of \(file) and its loans" : "the loans to line \(line) of \(file)"
            return .tooLarge(
                "\(what), with the rest of their chunk, make a job of more than \(limit) bytes, past the dispatcher's largest message "
                    + "(--max-message-bytes)")
        case .cannotOpen, .readFailed, .fileChanged, .noRecord, .cannotWriteSpool: return HTTPProblem(wireCode: "storage", detail: detail)
        }
    }
}
