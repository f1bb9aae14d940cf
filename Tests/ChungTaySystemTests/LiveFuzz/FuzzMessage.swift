import Foundation

/// Which of the dispatcher's two ROUTER endpoints a generated message goes to.
enum FuzzEndpoint: String, Sendable {
    case client
    case worker
}

/// The socket that sends a message: one of the fuzzer's standing peers (they keep their
/// routing id, so the dispatcher builds up per-peer state for them), or the i-th of a
/// crowd of short-lived peers opened for one flood and closed right after it.
enum FuzzSender: Equatable, Sendable {
    case peer(Int)
    case crowd(Int)
}

/// One message as the fuzzer sends it, with the grammar path that made it, so a failure
/// report says what kind of message it was as well as its bytes.
struct FuzzMessage: Sendable {
    var endpoint: FuzzEndpoint
    var sender: FuzzSender
    var frames: [[UInt8]]
    /// Grammar path, e.g. `ctcp.submit+batch`, with `~mutation` suffixes.
    var label: String
    /// What sending it tells the fuzzer's model of the dispatcher's state.
    var effect: FuzzEffect = .none

    var byteCount: Int { frames.reduce(0) { $0 + $1.count } }

    /// The message for a failure report: label, shape, and the first bytes of the first frames.
    var summary: String {
        let shown = frames.prefix(8).map { frame in
            let hex = frame.prefix(128).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            return frame.count > 128 ? "\(hex)…(\(frame.count) B)" : (hex.isEmpty ? "<empty>" : hex)
        }
        let more = frames.count > 8 ? " …+\(frames.count - 8) frames" : ""
        return "\(endpoint.rawValue) \(sender) \(label) [\(frames.count) frames, \(byteCount) B]: \(shown.joined(separator: " | "))\(more)"
    }
}

/// The state change a well-formed message makes, as far as the fuzzer tracks it.
enum FuzzEffect: Sendable {
    case none
    case ready(peer: Int)
    case disconnect(peer: Int)
    /// RESULT or FAIL items for these task ids.
    case answered(peer: Int, ids: [UInt64])
}

/// Message classes that can be left out of the grammar for exploration
/// (`CHUNGTAY_LIVEFUZZ_SKIP=bigid,counters`), to keep fuzzing past a known defect that
/// another branch fixes. The committed test always runs the full grammar.
enum FuzzClass: String, CaseIterable, Sendable {
    /// Job and task ids at or above 2^63 (a signed 64-bit journal column).
    case bigId = "bigid"
    /// Counter values near the ends of the i64 range.
    case counters
    /// WAIT with up to 2 million ids.
    case waitFlood = "waitflood"
    /// READY announcing up to 100,000 kinds.
    case readyKinds = "readykinds"
    /// One message of up to a million frames.
    case frameFlood = "frameflood"
    /// Hundreds of short-lived peers.
    case crowd
    /// Thousands of small messages back to back, and large SUBMIT / RESULT / RETRY lists.
    case burst
    /// Messages around the maximum message size and frames beyond libzmq's cap.
    case bigMessage = "bigmessage"
    /// BATCH-OPEN and BATCH-SEAL.
    case batchControl = "batchcontrol"
    /// BATCH-OPEN bodies nested thousands of levels deep.
    case deepJSON = "deepjson"

    /// Parses a comma-separated list; unknown names are an error, so a typo never silently fuzzes everything.
    static func parse(_ list: String) throws -> Set<FuzzClass> {
        var classes: Set<FuzzClass> = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let parsed = FuzzClass(rawValue: name) else {
                throw HarnessError("unknown live fuzz class '\(name)'; known: \(allCases.map(\.rawValue).joined(separator: ","))")
            }
            classes.insert(parsed)
        }
        return classes
    }
}
