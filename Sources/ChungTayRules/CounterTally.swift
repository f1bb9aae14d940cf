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
            let first = Self.escaped(firsts[index])
            let name = seconds[index].map { "\(group)/\(first)/\(Self.escaped($0))" } ?? "\(group)/\(first)"
            counters[name, default: 0] += counts[index]
        }
    }

    /// A part of a counter name with `%` and `/` written `%25` and `%2F`, so that a commune
    /// named with a slash stays one part when the dispatcher splits names at `/`.
    static func escaped(_ part: String) -> String {
        guard part.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "%") }) else { return part }
        return part.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }
}
