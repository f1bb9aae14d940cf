import Foundation

/// Counters named with `/`-separated paths, as nested JSON objects: `byChange/none = 3`
/// becomes `{"byChange": {"none": 3}}`. The dispatcher renders batch summaries this way
/// without knowing what the counters mean. A part may hold `/` and `%` written `%2F` and
/// `%25` (docs/BATCH.md); they are restored in the keys.
public indirect enum CounterTree: Codable, Equatable, Sendable {
    case value(Int64)
    case node([String: CounterTree])

    public init(_ counters: [String: Int64], excluding excludedRoots: Set<String> = []) {
        let root = Builder()
        for (name, value) in counters {
            let path = name.split(separator: "/", omittingEmptySubsequences: false).map(Self.unescaped)
            guard let first = path.first, !excludedRoots.contains(first) else { continue }
            var node = root
            for part in path {
                if let child = node.children[part] {
                    node = child
                } else {
                    let child = Builder()
                    node.children[part] = child
                    node = child
                }
            }
            node.value = value
        }
        self = .node(root.children.mapValues(\.tree))
    }

    /// The tree while it is built, by reference: growing enum nodes in place would copy a
    /// node's children for each counter added under it, quadratic in counters per prefix.
    private final class Builder {
        var value: Int64?
        var children: [String: Builder] = [:]

        /// A name that is also another counter's prefix keeps the deeper counters; its own
        /// value goes under "" so neither is lost.
        var tree: CounterTree {
            guard !children.isEmpty else { return .value(value ?? 0) }
            var nodes = children.mapValues(\.tree)
            if let value { nodes[""] = .value(value) }
            return .node(nodes)
        }
    }

    private static func unescaped(_ part: Substring) -> String {
        guard part.contains("%") else { return String(part) }
        return part.replacingOccurrences(of: "%2F", with: "/", options: .literal).replacingOccurrences(of: "%25", with: "%", options: .literal)
    }

    public var children: [String: CounterTree] {
        if case .node(let children) = self { return children }
        return [:]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) {
            self = .value(value)
        } else {
            self = .node(try container.decode([String: CounterTree].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
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
