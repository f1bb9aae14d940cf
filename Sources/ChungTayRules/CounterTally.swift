import Foundation

/// Counts of a batch stage kept by the parts of their names, in the order first seen,
/// and named once per chunk (`group/first[/second]`): a dictionary update per record
/// would build and hash a name per record, and commune names hash slowly (Swift
/// normalises non-ASCII text to hash it). Parts are compared with `==`, as the names'
/// dictionary would compare them, and a name is built from its first-seen parts, as
/// the dictionary would keep its first-inserted key.
struct CounterTally {
    private var firsts: [String] = []
    private var seconds: [String?] = []
    private var counts: [Int64] = []

    mutating func add(_ first: String, _ second: String? = nil) {
        for index in firsts.indices where firsts[index] == first && seconds[index] == second {
            counts[index] += 1
            return
        }
        firsts.append(first)
        seconds.append(second)
        counts.append(1)
    }

    /// Adds the counts under `group/first` or `group/first/second`.
    func add(to counters: inout [String: Int64], group: String) {
        for index in firsts.indices {
            counters[Self.name(group: group, first: firsts[index], second: seconds[index]), default: 0] += counts[index]
        }
    }

    /// Counter names travel with a one-octet length (PROTOCOL.md).
    static let maximumNameBytes = 255

    /// `group/first[/second]`, escaped. A name that would be too long (a commune name from
    /// the list can be any length) keeps a shortened `first` ending in `…`, so the chunk
    /// still counts instead of failing.
    static func name(group: String, first: String, second: String?) -> String {
        func joined(_ first: String) -> String {
            second.map { "\(group)/\(escaped(first))/\(escaped($0))" } ?? "\(group)/\(escaped(first))"
        }
        let whole = joined(first)
        guard whole.utf8.count > maximumNameBytes else { return whole }
        var kept = first.count
        while kept > 0 {
            kept -= 1
            let name = joined(String(first.prefix(kept)) + "…")
            if name.utf8.count <= maximumNameBytes { return name }
        }
        return joined("…")
    }

    /// A part of a counter name with `%` and `/` written `%25` and `%2F`, so that a commune
    /// named with a slash stays one part when the dispatcher splits names at `/`.
    static func escaped(_ part: String) -> String {
        guard part.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "%") }) else { return part }
        return part.replacingOccurrences(of: "%", with: "%25", options: .literal).replacingOccurrences(of: "/", with: "%2F", options: .literal)
    }
}
