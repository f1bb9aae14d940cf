import ChungTayWire
import Foundation
import Hummingbird

/// The body of `POST /v1/jobs/{kind}:batch`: JSON Lines, one job payload per non-empty line
/// (the line's bytes without its `\n` or `\r\n`), at most ``maxLines``. The lines are not
/// parsed: a payload is opaque to the API as to the dispatcher.
struct JobLines {
    static let maxLines = 10_000
    /// Jobs per SUBMIT, as `chungtay submit` and `batch submit` send them.
    static let jobsPerSubmit = 512
    /// SUBMITs in flight at once: enough to overlap the dispatcher's fsyncs, few enough not to
    /// take over its turn for other clients.
    static let submitsInFlight = 4

    let payloads: [[UInt8]]

    init(_ body: [UInt8]) throws(HTTPProblem) {
        var payloads: [[UInt8]] = []
        for line in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let payload = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            guard !payload.isEmpty else { continue }
            guard payloads.count < Self.maxLines else { throw .tooLarge("the body has more than \(Self.maxLines) lines") }
            payloads.append(Array(payload))
        }
        guard !payloads.isEmpty else { throw .badRequest("the body has no line: send one job payload per line") }
        self.payloads = payloads
    }

    /// `application/jsonl` or `application/x-ndjson` (parameters allowed), else 415.
    static func requireMediaType(of request: Request) throws(HTTPProblem) {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/jsonl" || type == "application/x-ndjson" else {
            throw .unsupportedMediaType("send the lines as application/jsonl or application/x-ndjson")
        }
    }

    /// Submits every line, `jobsPerSubmit` to a SUBMIT and `submitsInFlight` SUBMITs at once;
    /// the receipts in line order. Line i (1-based) gets the key `K/i` when `idempotencyKey` is K.
    ///
    /// A failed SUBMIT throws its problem, its detail saying how many lines from the first were
    /// accepted: SUBMITs after it may have been accepted too, so the way on is to send the body
    /// again with the same key, which names the same jobs.
    func submit(kind: String, idempotencyKey: String?, services: APIServices, caller: HTTPCaller) async throws(HTTPProblem) -> [SubmitReceipt] {
        let chunks = stride(from: 0, to: payloads.count, by: Self.jobsPerSubmit).map { start in
            start..<min(start + Self.jobsPerSubmit, payloads.count)
        }
        var results: [Result<[SubmitReceipt], HTTPProblem>?] = Array(repeating: nil, count: chunks.count)
        await withTaskGroup(of: (Int, Result<[SubmitReceipt], HTTPProblem>).self) { group in
            var next = 0
            func start() {
                guard next < chunks.count else { return }
                let index = next
                next += 1
                let jobs = chunks[index].map { line in
                    JobSpec(kind: kind, payload: payloads[line], idempotencyKey: idempotencyKey.map { "\($0)/\(line + 1)" })
                }
                group.addTask {
                    do throws(HTTPProblem) {
                        guard case .accepted(let receipts) = try await services.call(.submit(jobs), for: caller), receipts.count == jobs.count else {
                            throw JobRoutes.unexpectedReply("ACCEPTED with a receipt for each job")
                        }
                        return (index, .success(receipts))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<Self.submitsInFlight { start() }
            for await (index, result) in group {
                results[index] = result
                start()
            }
        }
        var receipts: [SubmitReceipt] = []
        receipts.reserveCapacity(payloads.count)
        for case let result? in results {
            switch result {
            case .success(let accepted): receipts += accepted
            case .failure(var problem):
                problem.detail = "\(receipts.count) of \(payloads.count) lines accepted (from the first); then: \(problem.detail)"
                throw problem
            }
        }
        return receipts
    }
}
