/// Text decoded from a legacy encoding, under construction: UTF-8 bytes, with a tone mark
/// folded into the vowel before it when Unicode has that precomposed letter, so that the
/// text is NFC without going through Foundation's normaliser in the common case.
///
/// It also counts the irregularities a decoder meets (a mark with no vowel to sit on),
/// which real text in that encoding does not have: encoding detection takes a word with
/// any as not Vietnamese.
struct LegacyTextBuilder {
    private var utf8: [UInt8]
    /// Where the last scalar starts in `utf8`, and the scalar, for folding a tone into it.
    private var lastStart = 0
    private var last: Unicode.Scalar?
    private(set) var irregularities = 0

    init(capacity: Int) {
        utf8 = []
        utf8.reserveCapacity(capacity)
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        lastStart = utf8.count
        last = scalar
        if scalar.isASCII {
            utf8.append(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            UTF8.encode(scalar) { utf8.append($0) }
        }
    }

    /// A tone mark written after its vowel: folded into the vowel when that vowel has no
    /// tone yet, else kept as the combining character (and counted as irregular).
    mutating func appendTone(_ tone: VietnameseLetter.Tone) {
        if let last, let toned = VietnameseLetter.toned(last, tone) {
            utf8.removeSubrange(lastStart...)
            append(toned)
            return
        }
        irregularities += 1
        guard let mark = tone.combiningMark else { return }
        append(mark)
    }

    mutating func noteIrregularity() {
        irregularities += 1
    }

    /// The text in NFC: as built when it holds no combining mark left over (the quick test
    /// of `UnicodeText.nfc`), else through Foundation's normaliser.
    func finish() -> String {
        UnicodeText.nfc(String(decoding: utf8, as: UTF8.self))
    }
}
