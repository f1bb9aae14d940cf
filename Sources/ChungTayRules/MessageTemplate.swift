/// A message with `{name}` placeholders, split once when the rule file is loaded so
/// that rendering a flag or notification is only concatenation.
struct MessageTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    let parts: [Part]

    init(_ text: String) {
        var parts: [Part] = []
        var literal = ""
        var remainder = Substring(text)
        while let open = remainder.firstIndex(of: "{") {
            guard let close = remainder[open...].firstIndex(of: "}") else { break }
            let name = remainder[remainder.index(after: open)..<close]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                literal += remainder[...open]
                remainder = remainder[remainder.index(after: open)...]
                continue
            }
            literal += remainder[..<open]
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.placeholder(String(name)))
            remainder = remainder[remainder.index(after: close)...]
        }
        literal += remainder
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    var placeholders: [String] {
        parts.compactMap { part in
            if case .placeholder(let name) = part { return name }
            return nil
        }
    }

    /// The text with each placeholder replaced by `value(name)`.
    func render(_ value: (String) -> String) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .literal(let text): result += text
            case .placeholder(let name): result += value(name)
            }
        }
        return result
    }
}
