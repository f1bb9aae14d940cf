import ChungTayClient
import ChungTayCoding
import ChungTayRules
import ChungTayStore
import ChungTayWire
import Foundation

/// Single `system.echo` jobs submitted while the disk is full, each with its own number
/// (payload `{"probe":N}`), and what the dispatcher answered: an acknowledged probe must
/// exist after any crash, a refused one must never exist (a client told "not stored"
/// submits it again, so storing it anyway makes a duplicate).
struct ProbeTally {
    static let kind = TaskKind.systemEcho.rawValue

    var sent = 0
    /// Probe number → the job id ACCEPTED gave it.
    var accepted: [Int: UInt64] = [:]
    /// Error code → how many probes got it.
    var refused: [String: Int] = [:]
    var refusedProbes: Set<Int> = []
    /// No reply within the timeout: either outcome is allowed.
    var unanswered = 0
    var statusAsked = 0
    var statusAnswered = 0

    mutating func submitOne(endpoint: String) {
        sent += 1
        let probe = sent
        guard let client = try? DispatcherClient(endpoint: endpoint, timeout: .seconds(2)) else { unanswered += 1; return }
        do {
            let reply = try client.call(.submit([JobSpec(kind: Self.kind, payload: Array(#"{"probe":\#(probe)}"#.utf8))]))
            guard case .accepted(let receipts) = reply, let receipt = receipts.first else { unanswered += 1; return }
            accepted[probe] = receipt.jobId
        } catch .refused(let code, _) {
            refused[code, default: 0] += 1
            refusedProbes.insert(probe)
        } catch {
            unanswered += 1
        }
    }

    /// What was sent and answered after `earlier`, a copy of this tally taken before.
    func since(_ earlier: ProbeTally) -> (sent: Int, accepted: Int, refused: [String: Int], unanswered: Int) {
        let newlyRefused = refused.compactMap { code, count in
            count > earlier.refused[code, default: 0] ? (code, count - earlier.refused[code, default: 0]) : nil
        }
        return (sent - earlier.sent, accepted.count - earlier.accepted.count,
                Dictionary(uniqueKeysWithValues: newlyRefused), unanswered - earlier.unanswered)
    }

    mutating func askStatus(endpoint: String) {
        statusAsked += 1
        guard let client = try? DispatcherClient(endpoint: endpoint, timeout: .seconds(2)) else { return }
        if (try? client.call(.status)) != nil { statusAnswered += 1 }
    }

    /// The job documents of the acknowledged probes once each is final (or `limit` passed).
    func awaitAccepted(endpoint: String, limit: Duration) throws -> [Int: [String: Any]] {
        let deadline = ContinuousClock.now + limit
        var jobs: [Int: [String: Any]] = [:]
        while ContinuousClock.now < deadline {
            let client = try DispatcherClient(endpoint: endpoint, timeout: .seconds(5))
            for (probe, id) in accepted where jobs[probe]?["state"] as? String != "completed" {
                do {
                    if case .jobInfo(let bytes) = try client.call(.job(id)),
                       let document = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
                        jobs[probe] = document
                    }
                } catch .refused(let code, _) where code == WireError.Code.unknownJob.rawValue {
                    jobs[probe] = ["state": "unknown"]
                } catch {
                    break
                }
            }
            if accepted.keys.allSatisfy({ ["completed", "dead", "unknown"].contains(jobs[$0]?["state"] as? String ?? "") }) { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return jobs
    }

    /// Probe number → how many documents the echo store holds for it.
    static func storedProbes(dataDirectory: URL) throws -> [Int: Int] {
        var counts: [Int: Int] = [:]
        try SegmentReader(resultsOf: DataDirectory(root: dataDirectory)).forEachLine(kind: kind) { line, _ in
            guard case .object(let document)? = try? JSONValue(parsing: Array(line)),
                  case .object(let result)? = document["result"], case .number(let probe)? = result["probe"],
                  let number = probe.integerValue else { return }
            counts[number, default: 0] += 1
        }
        return counts
    }

    /// What went wrong, given the acknowledged probes' jobs after the restart and the store.
    func check(jobs: [Int: [String: Any]], stored: [Int: Int]) -> [String] {
        var failures: [String] = []
        let lost = accepted.keys.filter { jobs[$0]?["state"] as? String != "completed" }.sorted()
        if !lost.isEmpty {
            failures.append("acknowledged probes not completed after the restart: \(lost.prefix(10).map { "\($0) (job \(accepted[$0]!): \(jobs[$0]?["state"] ?? "?"))" })")
        }
        let claimed = refusedProbes.filter { stored[$0] != nil }.sorted()
        if !claimed.isEmpty { failures.append("probes refused with an error but stored anyway: \(claimed.prefix(10))") }
        let twice = stored.filter { $0.value > 1 }.keys.sorted()
        if !twice.isEmpty { failures.append("probes stored more than once: \(twice.prefix(10))") }
        let missing = accepted.keys.filter { stored[$0] == nil }.sorted()
        if !missing.isEmpty { failures.append("acknowledged probes without a stored result: \(missing.prefix(10))") }
        report("probes: \(accepted.count) acknowledged, \(accepted.count - lost.count) completed after the restart; "
            + "\(refusedProbes.count) refused, \(claimed.count) of them stored; \(twice.count) stored twice")
        return failures
    }
}
