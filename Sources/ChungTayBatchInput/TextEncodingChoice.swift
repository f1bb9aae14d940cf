public import ChungTayCoding

/// `--encoding`: the encoding of every delimited-text input, given rather than detected.
public enum TextEncodingChoice: Sendable, Equatable {
    case utf8
    case legacy(LegacyEncoding)

    /// `utf-8`, `windows-1258`, `tcvn3` or `vni` (any case); nil for another name.
    public init?(name: String) {
        let name = name.lowercased()
        if name == "utf-8" || name == "utf8" {
            self = .utf8
        } else if let encoding = LegacyEncoding(rawValue: name) {
            self = .legacy(encoding)
        } else {
            return nil
        }
    }

    public static let names = ["utf-8"] + LegacyEncoding.allCases.map(\.rawValue)
}
