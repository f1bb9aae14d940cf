/// What `TextEncodingDetector` found a text file to be.
public enum TextEncodingDetection: Sendable, Equatable {
    /// Valid UTF-8, with or without a byte-order mark; or UTF-8 damaged in a few places that
    /// no legacy encoding explains (whoever reads it as UTF-8 then finds the damage).
    case utf8
    /// UTF-16 with a byte-order mark (Excel's "Unicode Text").
    case utf16(littleEndian: Bool)
    /// One legacy encoding clearly fits: `validShare` (0…1) of the words with letters
    /// outside ASCII come out as Vietnamese syllables in it, and no other comes close.
    case legacy(LegacyEncoding, validShare: Double)
    /// Not UTF-8, and no legacy encoding fits clearly. `best` is the one that fit best, with
    /// its share; nil when the sample has no word with letters outside ASCII to judge by.
    case unknown(best: LegacyEncoding?, validShare: Double)
}

extension TextEncodingDetection: CustomStringConvertible {
    /// The encoding's name, or for `unknown` what was found, for the statement and refusal
    /// lines of `batch submit` (`not UTF-8, and no Vietnamese encoding fits it (best: VNI,
    /// 61% of words)`).
    public var description: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf16(let littleEndian): littleEndian ? "UTF-16LE" : "UTF-16BE"
        case .legacy(let encoding, _): encoding.displayName
        case .unknown(let best?, let share):
            "not UTF-8, and no Vietnamese encoding fits it (best: \(best.displayName), \(Int((share * 100).rounded(.down)))% of words)"
        case .unknown(nil, _): "not UTF-8, and no Vietnamese encoding fits it (no word with Vietnamese letters)"
        }
    }
}
