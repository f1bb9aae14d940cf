/// A message with `{name}` placeholders, split once when the rule file is loaded so
/// that rendering a flag or notification is only concatenation.
///
/// Notification templates may also have optional segments, `[, thôn {village}]`: the
/// segment is left out whole when a placeholder inside it has no value, so a missing
/// value drops its phrase instead of showing a stand-in.
struct MessageTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
        /// Only in templates read with `optionalSegments`; never nested.
        case optional([Part])
    }

    struct SyntaxError: Error {
        let message: String
    }

    let parts: [Part]

    /// - Parameter optionalSegments: whether `[` and `]` delimit optional segments (in
    ///   notification templates) or are plain text (in flag messages).
    init(_ text: String, optionalSegments: Bool = false) throws(SyntaxError) {
        var parts: [Part] = []
        var segment: [Part]?
        var literal = ""
        func closeLiteral() {
            guard !literal.isEmpty else { return }
            if segment != nil { segment!.append(.literal(literal)) } else { parts.append(.literal(literal)) }
            literal = ""
        }
        var remainder = Substring(text)
        while let character = remainder.first {
            remainder = remainder.dropFirst()
            switch character {
            case "[" where optionalSegments:
                guard segment == nil else { throw SyntaxError(message: "an optional segment inside another") }
                closeLiteral()
                segment = []
            case "]" where optionalSegments:
                guard segment != nil else { throw SyntaxError(message: "\"]\" without \"[\"") }
                closeLiteral()
                parts.append(.optional(segment!))
                segment = nil
            case "{":
                // Only a name's characters are read ahead, so a text of many `{` stays linear.
                let name = remainder.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                let close = name.endIndex
                guard !name.isEmpty, close < remainder.endIndex, remainder[close] == "}" else {
                    literal.append(character)
                    continue
                }
                closeLiteral()
                if segment != nil { segment!.append(.placeholder(String(name))) } else { parts.append(.placeholder(String(name))) }
                remainder = remainder[remainder.index(after: close)...]
            default:
                literal.append(character)
            }
        }
        guard segment == nil else { throw SyntaxError(message: "\"[\" without \"]\"") }
        closeLiteral()
        self.parts = parts
    }

    /// Every placeholder, inside optional segments or not.
    var placeholders: [String] {
        parts.flatMap { part -> [String] in
            switch part {
            case .literal: []
            case .placeholder(let name): [name]
            case .optional(let inner): MessageTemplate.names(in: inner)
            }
        }
    }

    /// The placeholders outside optional segments: those whose value must never be missing.
    var requiredPlaceholders: [String] { Self.names(in: parts) }

    private static func names(in parts: [Part]) -> [String] {
        parts.compactMap { part in
            if case .placeholder(let name) = part { return name }
            return nil
        }
    }

    /// The text with each placeholder replaced by `value(name)`, for templates whose
    /// values are never missing (flag messages).
    func render(_ value: (String) -> String) -> String {
        var result = ""
        func render(_ parts: [Part]) {
            for part in parts {
                switch part {
                case .literal(let text): result += text
                case .placeholder(let name): result += value(name)
                case .optional(let inner): render(inner)
                }
            }
        }
        render(parts)
        return result
    }
}
