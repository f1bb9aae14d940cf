import ChungTayWire
import Foundation
import Hummingbird

/// The body of `POST /v1/jobs/{kind}:batch`: JSON Lines, one job payload per non-empty line
/// (the line's bytes without its `\n` or `\r\n`), at most ``maxLines``. The lines are not
/// parsed: a payload is opaque to the API as to the dispatcher.
///
/// The lines are found in place (their ranges in the body, no copies), and the scan stops at
/// the line past ``maxLines``: a body of tiny lines costs no more than the body itself before
/// it is refused. A payload is copied only when its SUBMIT is made.
struct JobLines {
    static let maxLines = 10_000
    /// Most jobs per SUBMIT, as `chungtay submit` and `batch submit` send them; fewer when
    /// their bytes would not fit the dispatcher's largest message.
    static let jobsPerSubmit = 512
    /// SUBMITs in flight at once: enough to overlap the dispatcher's fsyncs, few enough not to
    /// take over its turn for other clients.
    static let submitsInFlight = 4
    /// Bytes of a SUBMIT besides its jobs' frames (protocol, command, request id, principal,
    /// the routing id the dispatcher's ROUTER adds), kept free under the message limit.
    static let envelopeBytes = 1024
    /// Bytes of a job's header frame besides its kind and key (docs/PROTOCOL.md, SUBMIT:
    /// kind length u8, priority i16, key length u16).
    static let jobHeaderBytes = 5

    private let body: [UInt8]
    /// Where each payload is in `body`.
    private let ranges: [Range<Int>]

    init(_ body: [UInt8]) throws(HTTPProblem) {
        var ranges: [Range<Int>] = []
        var start = body.startIndex
        while start < body.endIndex {
            let newline = body[start...].firstIndex(of: UInt8(ascii: "\n")) ?? body.endIndex
            var end = newline
            if end > start, body[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if end > start {
                guard ranges.count < Self.maxLines else { throw .tooLarge("the body has more than \(Self.maxLines) lines") }
                ranges.append(start..<end)
            }
            start = newline == body.endIndex ? newline : newline + 1
        }
        guard !ranges.isEmpty else { throw .badRequest("the body has no line: send one job payload per line") }
        self.body = body
        self.ranges = ranges
    }

    /// How many payloads (non-empty lines) the body holds.
    var count: Int { ranges.count }

    /// The payload of the `index`th non-empty line (0-based).
    func payload(_ index: Int) -> [UInt8] {
        Array(body[ranges[index]])
    }

    /// The lines in SUBMITs: consecutive runs of at most ``jobsPerSubmit`` lines whose jobs
    /// fit a message of `maxMessageBytes` (the dispatcher's; libzmq drops a connection that
    /// sends it a frame far over it). A line whose job alone does not fit is 413 `too_large`.
    func submits(kind: String, idempotencyKey: String?, maxMessageBytes: Int) throws(HTTPProblem) -> [Range<Int>] {
        let budget = maxMessageBytes - Self.envelopeBytes
        var submits: [Range<Int>] = []
        var first = 0
        var bytes = 0
        for index in ranges.indices {
            let keyBytes = idempotencyKey.map { $0.utf8.count + 1 + String(index + 1).utf8.count } ?? 0
            let jobBytes = Self.jobHeaderBytes + kind.utf8.count + keyBytes + ranges[index].count
            guard jobBytes <= budget else {
                throw .tooLarge("line \(index + 1) does not fit in one message to the dispatcher (\(maxMessageBytes) bytes, --max-message-bytes)")
            }
            if index - first == Self.jobsPerSubmit || bytes + jobBytes > budget {
                submits.append(first..<index)
                first = index
                bytes = 0
            }
            bytes += jobBytes
        }
        submits.append(first..<ranges.count)
        return submits
    }

    /// `application/jsonl` or `application/x-ndjson` (parameters allowed), else 415.
    static func requireMediaType(of request: Request) throws(HTTPProblem) {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/jsonl" || type == "application/x-ndjson" else {
            throw .unsupportedMediaType("send the lines as application/jsonl or application/x-ndjson")
        }
    }

    /// Submits every line, in ``submits(kind:idempotencyKey:maxMessageBytes:)``'s SUBMITs, `submitsInFlight` at once;
    /// the receipts in line order. Line i (1-based) gets the key `K/i` when `idempotencyKey` is K.
    ///
    /// A failed SUBMIT throws its problem, its detail saying how many lines from the first were
    /// accepted: SUBMITs after it may have been accepted too, so the way on is to send the body
    /// again with the same key, which names the same jobs.
    func submit(kind: String, idempotencyKey: String?, services: APIServices, caller: HTTPCaller) async throws(HTTPProblem) -> [SubmitReceipt] {
        let chunks = try submits(kind: kind, idempotencyKey: idempotencyKey, maxMessageBytes: services.configuration.maxMessageBytes)
        var results: [Result<[SubmitReceipt], HTTPProblem>?] = Array(repeating: nil, count: chunks.count)
        await withTaskGroup(of: (Int, Result<[SubmitReceipt], HTTPProblem>).self) { group in
            var next = 0
            func start() {
                guard next < chunks.count else { return }
                let index = next
                next += 1
                let jobs = chunks[index].map { line in
                    JobSpec(kind: kind, payload: payload(line), idempotencyKey: idempotencyKey.map { "\($0)/\(line + 1)" })
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
        receipts.reserveCapacity(count)
        for case let result? in results {
            switch result {
            case .success(let accepted): receipts += accepted
            case .failure(var problem):
                problem.detail = "\(receipts.count) of \(count) lines accepted (from the first); then: \(problem.detail)"
                throw problem
            }
        }
        return receipts
    }
}
