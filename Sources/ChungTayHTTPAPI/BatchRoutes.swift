import ChungTayCoding
import ChungTayWire
import Foundation
import Hummingbird

/// The batch routes of docs/openapi.yaml: open, upload the lists in pieces, seal, status
/// (with `?wait`), list. A batch over HTTP is the batch `chungtay batch submit` makes: the
/// lists are spooled in the data directory (`BatchUploadSpool`) and the seal cuts and
/// submits them as `batch submit` does (`BatchSeal`), on behalf of the caller, so the
/// dispatcher applies the caller's ownership to every step.
enum BatchRoutes {
    /// What the batch's audit record lists as its inputs: the files are not known when a
    /// batch is opened over HTTP. It also keeps a `batch submit` of files from resuming
    /// (and an HTTP open from resuming a `batch submit`) under the same name: BATCH-OPEN
    /// answers `batch_mismatch` for other inputs.
    static let uploadInputs = ["uploaded over HTTP"]
    /// Longest batch reference (an id, or a name as BATCH-OPEN takes it) in bytes.
    static let maxReferenceLength = 200

    static func register(on router: APIRouter) {
        let services = router.services
        let configuration = services.configuration
        let spool = BatchUploadSpool(
            dataDirectory: URL(fileURLWithPath: configuration.dataDirectory), maximumUploadsPerOwner: configuration.maxUploadsPerIdentity,
            maximumSpoolBytes: configuration.maxSpoolBytes)

        router.add(.get, "/v1/batches") { _, context in
            guard case .batchInfo(let document) = try await services.call(.batchList, for: context.caller) else {
                throw JobRoutes.unexpectedReply("BATCH-INFO")
            }
            return APIResponse.json(.ok, document)
        }

        router.add(.post, "/v1/batches") { request, context in
            guard BatchRoutes.mediaType(of: request) == "application/json" else {
                throw HTTPProblem.unsupportedMediaType("a batch is opened with an application/json body")
            }
            let body = try await services.body(of: request, context: context, limit: .json)
            var opening = try BatchRoutes.opening(Array(buffer: body))
            // The dispatcher records the principal itself when there is one; without, the host.
            let submitter = "http " + (context.caller.principal ?? APIRequestContext.host(of: context.channel))
            opening.submittedBy = String(submitter.utf8.prefix(BatchOpening.maxSubmitterLength)) ?? "http"
            // 201 or 200: whether the name was taken before, by this very batch (a name
            // may read as another batch's id, which BATCH-STATUS also takes).
            let before = try await BatchRoutes.existing(opening.name, services: services, caller: context.caller)
            guard case .batchInfo(let document) = try await services.call(.batchOpen(opening), for: context.caller) else {
                throw JobRoutes.unexpectedReply("BATCH-INFO")
            }
            let opened = try BatchRoutes.decoded(document)
            return APIResponse.json(before?.id == opened.id ? .ok : .created, document, headers: [.location: "/v1/batches/\(opened.id)"])
        }

        router.add(.get, "/v1/batches/{batch}") { request, context in
            let reference = try BatchRoutes.reference(context)
            let seconds = try APIQuery.waitSeconds(request)
            guard let seconds, seconds > 0 else {
                return APIResponse.json(.ok, try await BatchRoutes.status(of: reference, services: services, caller: context.caller).document)
            }
            let caller = context.caller
            let document = try await services.longPoll(for: context) { () async throws(HTTPProblem) -> [UInt8] in
                try await BatchWait.document(of: reference, seconds: seconds, services: services, caller: caller)
            }
            return APIResponse.json(.ok, document)
        }

        for list in BatchUploadList.allCases {
            router.add(.post, "/v1/batches/{batch}/\(list.rawValue)") { request, context in
                guard let format = request.headers[.contentType].flatMap(BatchUploadFormat.init(contentType:)) else {
                    throw HTTPProblem.unsupportedMediaType("a piece of a list is one of \(BatchUploadFormat.mediaTypes)")
                }
                let fileName = try APIQuery.single("file", of: request)
                let offset = try APIQuery.single("offset", of: request).map { text throws(HTTPProblem) -> Int64 in
                    guard let offset = APIQuery.boundedInteger(text, in: 0...Int(BatchUploadSpool.maximumBatchBytes)) else {
                        throw .badRequest("offset must be an integer from 0 to \(BatchUploadSpool.maximumBatchBytes)")
                    }
                    return Int64(offset)
                }
                let batch = try await BatchRoutes.accepting(try BatchRoutes.reference(context), services: services, caller: context.caller).id
                let piece = Array(buffer: try await services.body(of: request, context: context, limit: .list))
                let length = try await BatchRoutes.append(
                    piece, to: list, of: batch, format: format, fileName: fileName, offset: offset, owner: context.caller.limitKey,
                    spool: spool, services: services)
                var answer = Array(#"{"batch":"#.utf8)
                JSONText.appendString(batch, to: &answer)
                answer += Array(#","list":"\#(list.rawValue)","bytes":\#(length)}"#.utf8)
                return APIResponse.json(.accepted, answer)
            }
        }

        router.add(.post, "/v1/batches/{batch}:seal") { _, context in
            let (status, document) = try await BatchRoutes.status(of: try BatchRoutes.reference(context), services: services, caller: context.caller)
            guard BatchUploadSpool.isBatchId(status.id) else { throw BatchRoutes.unexpectedId(status.id) }
            // Sealed already (by an earlier call whose answer was lost, or by `batch submit`).
            guard status.state == BatchStatus.accepting else {
                await spool.remove(status.id)
                return APIResponse.json(.ok, document)
            }
            let lists = try await BatchRoutes.beginSeal(status.id, spool: spool)
            let sealed: [UInt8]
            do {
                sealed = try await BatchSeal(services: services, caller: context.caller).run(status, lists: lists)
            } catch {
                await spool.endSeal(status.id, sealed: false)
                throw error
            }
            await spool.endSeal(status.id, sealed: true)
            return APIResponse.json(.ok, sealed)
        }
    }

    /// BATCH-STATUS on behalf of `caller` (so its ownership applies), decoded and as sent.
    static func status(
        of reference: String, services: APIServices, caller: HTTPCaller
    ) async throws(HTTPProblem) -> (status: BatchStatus, document: [UInt8]) {
        guard case .batchInfo(let document) = try await services.call(.batchStatus(reference), for: caller) else {
            throw JobRoutes.unexpectedReply("BATCH-INFO")
        }
        return (try decoded(document), document)
    }

    /// The batch `reference` names now; nil when there is none.
    private static func existing(_ reference: String, services: APIServices, caller: HTTPCaller) async throws(HTTPProblem) -> BatchStatus? {
        do throws(HTTPProblem) {
            return try await status(of: reference, services: services, caller: caller).status
        } catch {
            guard error.code == WireError.Code.unknownBatch.rawValue else { throw error }
            return nil
        }
    }

    /// Appends a piece; when the spool (or the caller's share of it) is full, first removes
    /// the spools of batches sealed elsewhere (`batch submit`, another listener) and tries
    /// once more (at most one sweep per `BatchUploadSpool.sweepInterval`).
    private static func append(
        _ piece: [UInt8], to list: BatchUploadList, of batch: String, format: BatchUploadFormat, fileName: String?, offset: Int64?,
        owner: String, spool: BatchUploadSpool, services: APIServices
    ) async throws(HTTPProblem) -> Int64 {
        do throws(BatchUploadRefusal) {
            return try await spool.append(piece, to: list, of: batch, format: format, fileName: fileName, offset: offset, owner: owner)
        } catch {
            switch error {
            case .tooManyOpenUploads, .tooManyOwnUploads, .spoolFull:
                guard spool.claimSweep() else { throw error.problem }
            default: throw error.problem
            }
        }
        await sweep(spool, services: services)
        do throws(BatchUploadRefusal) {
            return try await spool.append(piece, to: list, of: batch, format: format, fileName: fileName, offset: offset, owner: owner)
        } catch {
            throw error.problem
        }
    }

    private static func beginSeal(_ batch: String, spool: BatchUploadSpool) async throws(HTTPProblem) -> BatchUploadSpool.Lists {
        do throws(BatchUploadRefusal) {
            return try await spool.beginSeal(batch)
        } catch {
            throw error.problem
        }
    }

    /// The batch a piece goes to: the caller's, and still taking chunks.
    private static func accepting(_ reference: String, services: APIServices, caller: HTTPCaller) async throws(HTTPProblem) -> BatchStatus {
        let status = try await status(of: reference, services: services, caller: caller).status
        guard BatchUploadSpool.isBatchId(status.id) else { throw unexpectedId(status.id) }
        guard status.state == BatchStatus.accepting else {
            throw HTTPProblem(wireCode: WireError.Code.batchSealed.rawValue, detail: "batch \(status.id) is sealed and takes no more pieces")
        }
        return status
    }

    /// Removes the spools of batches that are sealed, complete or gone: asked with the
    /// listener's own (operator) identity, since the spools are anyone's.
    private static func sweep(_ spool: BatchUploadSpool, services: APIServices) async {
        let listener = HTTPCaller(principal: nil, isOperator: true, limitKey: "uploads")
        for batch in await spool.spooledBatches() {
            let found: BatchStatus?
            do throws(HTTPProblem) {
                found = try await existing(batch, services: services, caller: listener)
            } catch {
                continue  // unanswered: kept
            }
            // Gone, or taking no more chunks: nothing will read its lists again.
            if found.map({ $0.state != BatchStatus.accepting }) ?? true { await spool.remove(batch) }
        }
    }

    private static func reference(_ context: APIRequestContext) throws(HTTPProblem) -> String {
        guard let reference = context.pathParameters["batch"], (1...maxReferenceLength).contains(reference.utf8.count) else {
            throw .badRequest("a batch is named by its id or name, 1 to \(maxReferenceLength) bytes")
        }
        return reference
    }

    /// The media type of the request's `Content-Type`, lowercased, without parameters.
    private static func mediaType(of request: Request) -> String? {
        request.headers[.contentType].map { value in
            (value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespaces).lowercased()
        }
    }

    /// `{"name":TEXT,"asOf":"YYYY-MM-DD","whatIf":BOOL?}`, nothing else (docs/openapi.yaml's `BatchOpen`).
    private static func opening(_ body: [UInt8]) throws(HTTPProblem) -> BatchOpening {
        guard case .object(let object)? = try? JSONReader.parse(body) else { throw .badRequest("the body is not a JSON object") }
        var name: String?
        var asOf: String?
        var whatIf = false
        for member in object.members {
            switch (member.key, member.value) {
            case ("name", .string(let text)) where (1...200).contains(text.utf8.count): name = text
            case ("asOf", .string(let text)) where text.utf8.count == 10 && CivilDate(iso: text) != nil: asOf = text
            case ("whatIf", .bool(let flag)): whatIf = flag
            case ("name", _): throw .badRequest("name must be a string of 1 to 200 bytes")
            case ("asOf", _): throw .badRequest("asOf must be a YYYY-MM-DD date")
            case ("whatIf", _): throw .badRequest("whatIf must be true or false")
            default: throw .badRequest("unknown member '\(member.key.prefix(64))': a batch has name, asOf and whatIf")
            }
        }
        guard let name, let asOf else { throw .badRequest("a batch needs a name and an asOf date") }
        return BatchOpening(name: name, asOf: asOf, whatIf: whatIf, submittedBy: "", inputs: uploadInputs)
    }

    private static func decoded(_ document: [UInt8]) throws(HTTPProblem) -> BatchStatus {
        do {
            return try BatchStatus(json: document)
        } catch {
            throw .internal("the dispatcher's batch status could not be read: \(error)")
        }
    }

    private static func unexpectedId(_ id: String) -> HTTPProblem {
        .internal("the dispatcher named the batch '\(id.prefix(64))', which is no batch id")
    }
}
