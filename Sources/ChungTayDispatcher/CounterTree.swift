import Foundation

/// Counters named with `/`-separated paths, as nested JSON objects: `byChange/none = 3`
/// becomes `{"byChange": {"none": 3}}`. The dispatcher renders batch summaries this way
/// without knowing what the counters mean. A part may hold `/` and `%` written `%2F` and
/// `%25` (docs/BATCH.md); they are restored in the keys.
indirect enum CounterTree: Encodable, Equatable {
    case value(Int64)
    case node([String: CounterTree])

    init(_ counters: [String: Int64], excluding excludedRoots: Set<String> = []) {
        var root: [String: CounterTree] = [:]
        for (name, value) in counters {
            let path = name.split(separator: "/", omittingEmptySubsequences: false).map(Self.unescaped)
            guard let first = path.first, !excludedRoots.contains(first) else { continue }
            Self.insert(value, at: path[...], into: &root)
        }
        self = .node(root)
    }

    private static func insert(_ value: Int64, at path: ArraySlice<String>, into node: inout [String: CounterTree]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            // A name that is also another counter's prefix keeps the deeper counters; this one
            // goes under "" so neither is lost.
            if case .node(var children)? = node[head] {
                children[""] = .value(value)
                node[head] = .node(children)
            } else {
                node[head] = .value(value)
            }
            return
        }
        var children: [String: CounterTree]
        switch node[head] {
        case .node(let existing)?: children = existing
        case .value(let leaf)?: children = ["": .value(leaf)]
        case nil: children = [:]
        }
        insert(value, at: path.dropFirst(), into: &children)
        node[head] = .node(children)
    }

    private static func unescaped(_ part: Substring) -> String {
        guard part.contains("%") else { return String(part) }
        return part.replacingOccurrences(of: "%2F", with: "/", options: .literal).replacingOccurrences(of: "%25", with: "%", options: .literal)
    }

    var children: [String: CounterTree] {
        if case .node(let children) = self { return children }
        return [:]
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .value(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .node(let children):
            var container = encoder.singleValueContainer()
            try container.encode(children)
        }
    }
}
