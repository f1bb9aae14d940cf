/// Finds the encoding of a delimited text file from its first MiB, so that a list saved by
/// an office's old software is read as the text its people typed.
///
/// UTF-8 is taken when the sample is valid UTF-8 (a sample cut inside the last character
/// still is); UTF-16 only with its byte-order mark. Otherwise each legacy encoding decodes
/// every word with a byte outside ASCII, and the share of those words that come out as
/// Vietnamese syllables (`VietnameseSyllable`) scores it: decoded with the wrong table,
/// Vietnamese words turn into letter sequences no syllable has.
///
/// A UTF-8 file damaged in a few places (a cell pasted from an old program) fits no legacy
/// encoding either; when no legacy encoding wins and the sample is UTF-8 but for a few bad
/// sequences, it is `.utf8`, so that the reader refuses it at the line of the damage
/// rather than as "not UTF-8" with a legacy encoding's poor score.
public enum TextEncodingDetector {
    /// The share of valid words the winner needs, and its lead over the second.
    static let requiredShare = 0.9
    static let requiredLead = 0.2
    /// At most this many words are scored: the first MiB of a list has many more than a
    /// decision needs, and scoring costs three decodings a word.
    static let wordLimit = 5_000

    public static func detect(_ sample: UnsafeRawBufferPointer) -> TextEncodingDetection {
        if sample.count >= 2 && sample[0] == 0xFF && sample[1] == 0xFE { return .utf16(littleEndian: true) }
        if sample.count >= 2 && sample[0] == 0xFE && sample[1] == 0xFF { return .utf16(littleEndian: false) }
        let hasBOM = sample.count >= 3 && sample[0] == 0xEF && sample[1] == 0xBB && sample[2] == 0xBF
        let text = UnsafeRawBufferPointer(rebasing: sample[(hasBOM ? 3 : 0)...])
        if isUTF8(text) { return .utf8 }
        let legacy = scoreLegacy(text)
        if case .unknown = legacy, isMostlyUTF8(text) { return .utf8 }
        return legacy
    }

    /// Valid multi-byte UTF-8 characters the sample needs, and how many of them per bad
    /// sequence, to be taken for damaged UTF-8. Text in a legacy encoding has almost no
    /// valid multi-byte sequences: its letters are single bytes, or ASCII followed by a mark
    /// byte, and its lead-byte values are rarely followed by continuation-byte values.
    static let damagedUTF8MinimumCharacters = 10
    static let damagedUTF8CharactersPerBadSequence = 20

    /// Whether the bytes are UTF-8 but for a few invalid sequences (each maximal invalid
    /// subpart counts once).
    static func isMostlyUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var multiByte = 0
        var invalid = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count > 1 { multiByte += 1 }
            case .error:
                invalid += 1
            case .emptyInput:
                return multiByte >= damagedUTF8MinimumCharacters
                    && multiByte >= invalid * damagedUTF8CharactersPerBadSequence
            }
        }
    }

    /// Valid UTF-8, allowing the last character to be cut off by the sample's end.
    static func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let utf8 = bytes.assumingMemoryBound(to: UInt8.self)
        if UTF8Validation.classify(utf8) != .invalid { return true }
        // The last lead byte within the final three, and whether its sequence runs past the end.
        var start = utf8.count - 1
        while start > 0 && start >= utf8.count - 3 && utf8[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0, start < utf8.count, utf8[start] >= 0xC2 else { return false }
        let length = utf8[start] >= 0xF0 ? 4 : utf8[start] >= 0xE0 ? 3 : 2
        guard start + length > utf8.count else { return false }
        return UTF8Validation.classify(UnsafeBufferPointer(rebasing: utf8[..<start])) != .invalid
    }

    /// The encoding whose decoding gives the most syllables, if it clearly wins.
    static func scoreLegacy(_ bytes: UnsafeRawBufferPointer) -> TextEncodingDetection {
        guard let shares = validShares(bytes) else { return .unknown(best: nil, validShare: 0) }
        // Highest share first; on a tie, the earlier encoding of `allCases`.
        let ranked = shares.enumerated().sorted { ($1.element.share, $0.offset) < ($0.element.share, $1.offset) }
        let best = ranked[0].element
        guard best.share >= requiredShare && best.share - ranked[1].element.share >= requiredLead else {
            return .unknown(best: best.encoding, validShare: best.share)
        }
        return .legacy(best.encoding, validShare: best.share)
    }

    /// For each legacy encoding, the share of the words with a byte outside ASCII that it
    /// decodes to a Vietnamese syllable (a word: a run of ASCII letters and such bytes;
    /// ASCII words read the same in every encoding and tell nothing). Nil when no such word
    /// has a letter in any decoding.
    static func validShares(_ bytes: UnsafeRawBufferPointer) -> [(encoding: LegacyEncoding, share: Double)]? {
        var counted = [Int](repeating: 0, count: LegacyEncoding.allCases.count)
        var valid = counted
        var words = 0
        var index = 0
        while index < bytes.count && words < wordLimit {
            guard isWordByte(bytes[index]) else {
                index += 1
                continue
            }
            let start = index
            var hasHighByte = false
            while index < bytes.count && isWordByte(bytes[index]) {
                hasHighByte = hasHighByte || bytes[index] >= 0x80
                index += 1
            }
            guard hasHighByte else { continue }
            words += 1
            let word = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            for (number, encoding) in LegacyEncoding.allCases.enumerated() {
                let decoded = encoding.decoded(word)
                let letters = trimmedToLetters(decoded.finish())
                guard !letters.isEmpty else { continue }
                counted[number] += 1
                if decoded.irregularities == 0 && VietnameseSyllable.isValid(letters) { valid[number] += 1 }
            }
        }
        guard counted.contains(where: { $0 > 0 }) else { return nil }
        return LegacyEncoding.allCases.enumerated().map { number, encoding in
            (encoding, counted[number] == 0 ? 0 : Double(valid[number]) / Double(counted[number]))
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    /// The word without the punctuation a legacy byte may have decoded to at either end
    /// (curly quotes, dashes): what is left is what the syllable check reads.
    private static func trimmedToLetters(_ word: String) -> String {
        let scalars = word.unicodeScalars
        guard let first = scalars.firstIndex(where: \.properties.isAlphabetic),
            let last = scalars.lastIndex(where: \.properties.isAlphabetic)
        else { return "" }
        return String(scalars[first...last])
    }
}
