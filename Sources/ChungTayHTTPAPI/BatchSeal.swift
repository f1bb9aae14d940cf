import ChungTayBatchInput
import ChungTayWire
import Foundation

/// `POST /v1/batches/{batch}:seal`: what `chungtay batch submit` does with its files, done
/// with a batch's uploaded lists on behalf of the caller.
///
/// The same pass 1 (`ListIndex`), the same chunks (`ChunkPlanner`, 500 households each,
/// `batch submit`'s default) and the same jobs (`BatchChunk.job(batchId:)`: kinds,
/// idempotency keys `BATCH:h:N` / `BATCH:l:N`, counters), so the stored documents are those
/// of the same files given to `batch submit`, and either may resume the other's chunks. As
/// there, a seal that failed part way (the dispatcher restarted, a chunk refused) is resumed
/// by calling it again: the chunks from 64 before the dispatcher's accepted count are
/// submitted again, and their keys make the overlap harmless.
struct BatchSeal {
    /// Households per household chunk, loans per loan-only chunk: `batch submit`'s default,
    /// and fixed, since a resumed seal must cut the lists exactly as the first did.
    static let chunkSize = 500
    /// Chunks per SUBMIT and SUBMITs awaiting their ACCEPTED, as `batch submit` sends them.
    static let chunksPerSubmit = 2
    static let submitsInFlight = 8
    /// How far before the accepted count a resumed seal starts (`batch submit`'s margin: the
    /// chunks in flight when the earlier run stopped may have been accepted out of order).
    static let resumeMargin = 64

    let services: APIServices
    let caller: HTTPCaller

    /// Submits the chunks of the spooled `lists` into the batch `status` describes, then
    /// seals it; returns the sealed batch's BATCH-INFO document.
    func run(_ status: BatchStatus, lists: BatchUploadSpool.Lists) async throws(HTTPProblem) -> [UInt8] {
        let spool = lists.directory
        let index = try await Self.firstPass(households: lists.households, loans: lists.loans, spool: spool)
        let planner = ChunkPlanner(
            index: index, batch: BatchHeader(id: status.id, asOf: status.asOf, whatIf: status.whatIf), chunkSize: Self.chunkSize)
        // The counts come from the dispatcher: clamped, so no number it sends can trap or overshoot.
        let accepted = min(max(status.chunks.householdsAccepted, 0), planner.chunkCount)
            + min(max(status.chunks.loansAccepted, 0), planner.chunkCount)
        let start = min(planner.chunkCount, max(0, accepted - Self.resumeMargin))
        var submitted = start
        do {
            let chunks = try planner.chunks(from: start)
            try await withThrowingTaskGroup(of: Int.self) { group in
                var inFlight = 0
                while true {
                    // Built here, one SUBMIT's worth at a time: a chunk is a few hundred
                    // kilobytes read by offset, so at most `submitsInFlight` SUBMITs are held.
                    var jobs: [JobSpec] = []
                    while jobs.count < Self.chunksPerSubmit, let chunk = try chunks.next() {
                        jobs.append(chunk.job(batchId: status.id))
                    }
                    if jobs.isEmpty { break }
                    if inFlight == Self.submitsInFlight, let done = try await group.next() {
                        submitted += done
                        inFlight -= 1
                    }
                    group.addTask { [jobs] in
                        guard case .accepted(let receipts) = try await services.call(.submit(jobs), for: caller),
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
            case let input as BatchInputError: throw Self.problem(input, spool: spool)
            default: throw .internal("\(error) (\(partly))")
            }
        }
        guard case .batchInfo(let document) = try await services.call(
            .batchSeal(BatchSealing(
                batchId: status.id, householdChunks: planner.householdChunkCount, loanChunks: planner.loanChunkCount,
                inputErrors: index.inputErrorCount)),
            for: caller)
        else { throw JobRoutes.unexpectedReply("BATCH-INFO") }
        return document
    }

    /// Pass 1 on a thread of its own: it reads both lists whole (about 4 s for the
    /// 1,000,000-household demo) and waits for its own helper threads, which must not
    /// hold one of the few threads the concurrency pool has.
    private static func firstPass(households: String, loans: String?, spool: String) async throws(HTTPProblem) -> ListIndex {
        let outcome = await withCheckedContinuation { (done: CheckedContinuation<Result<ListIndex, BatchInputError>, Never>) in
            let thread = Thread {
                do throws(BatchInputError) {
                    done.resume(returning: .success(try ListIndex(households: households, loans: loans)))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
            thread.name = "chungtay-http-seal"
            thread.start()
        }
        switch outcome {
        case .success(let index): return index
        case .failure(let error): throw problem(error, spool: spool)
        }
    }

    /// A list that cannot be read as `batch submit` would read it, named as the caller named
    /// it (the spool's own directories left out).
    private static func problem(_ error: BatchInputError, spool: String) -> HTTPProblem {
        let detail = error.description.replacingOccurrences(of: spool, with: "")
        switch error {
        case .unreadableHeader, .unknownFormat: return HTTPProblem(wireCode: "payload_invalid", detail: detail)
        case .tooLarge: return .tooLarge(detail)
        case .cannotOpen, .readFailed, .fileChanged, .noRecord: return HTTPProblem(wireCode: "storage", detail: detail)
        }
    }
}
