import Foundation

/// A letter of Vietnamese text as the legacy encodings build it: a base letter (one of the
/// 26 ASCII letters or ă â đ ê ô ơ ư, in lower case), the tone mark it carries and its case.
///
/// The encodings differ in which of these they give a byte of its own (TCVN3: every
/// lower-case toned letter; VNI: a base letter followed by a mark byte; Windows-1258: a
/// base letter followed by a combining tone mark), so each codec is written against this
/// one model, and the precomposed Unicode letters come from Unicode's own composition.
struct VietnameseLetter: Hashable, Sendable {
    /// The five tones written with a mark, and the level tone, which has none.
    enum Tone: Int, CaseIterable, Sendable {
        case none, grave, hook, tilde, acute, dot

        /// The combining character that writes the tone (U+0300, U+0309, U+0303, U+0301, U+0323).
        var combiningMark: Unicode.Scalar? {
            switch self {
            case .none: nil
            case .grave: "\u{300}"
            case .hook: "\u{309}"
            case .tilde: "\u{303}"
            case .acute: "\u{301}"
            case .dot: "\u{323}"
            }
        }

        init?(combiningMark scalar: Unicode.Scalar) {
            guard let tone = Tone.allCases.first(where: { $0.combiningMark == scalar }) else { return nil }
            self = tone
        }

        /// Whether a syllable closed by p, t, c or ch may carry the tone: only the two
        /// "checked" tones, sắc and nặng.
        var isChecked: Bool { self == .acute || self == .dot }
    }

    /// The lower-case letter without tone: ASCII a–z or one of ă â đ ê ô ơ ư.
    let base: Unicode.Scalar
    let tone: Tone
    let isUpperCase: Bool

    /// The twelve vowel letters, each of which takes the five tone marks.
    static let vowels: [Unicode.Scalar] = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]

    /// The letter this precomposed scalar is, if it is a Vietnamese letter (any ASCII letter
    /// counts, with no tone).
    init?(_ scalar: Unicode.Scalar) {
        guard let letter = Self.byScalar[scalar.value] else { return nil }
        self = letter
    }

    init(base: Unicode.Scalar, tone: Tone = .none, isUpperCase: Bool = false) {
        self.base = base
        self.tone = tone
        self.isUpperCase = isUpperCase
    }

    /// The precomposed scalar of the letter; nil only for a tone on a consonant.
    var scalar: Unicode.Scalar? {
        Self.byLetter[self]
    }

    var isVowel: Bool { Self.vowels.contains(base) }

    /// The same letter with another tone (nil when that letter does not exist).
    func with(tone: Tone) -> VietnameseLetter? {
        let letter = VietnameseLetter(base: base, tone: tone, isUpperCase: isUpperCase)
        return letter.scalar == nil ? nil : letter
    }

    /// Every letter of the model: the ASCII letters, đ Đ, and the twelve vowels with each
    /// tone in both cases (12 × 6 × 2 + 7 × 2 + … ), with its precomposed scalar.
    static let all: [(letter: VietnameseLetter, scalar: Unicode.Scalar)] = {
        var all: [(VietnameseLetter, Unicode.Scalar)] = []
        let consonants = (UInt8(ascii: "a")...UInt8(ascii: "z")).map { Unicode.Scalar($0) }.filter { !vowels.contains($0) }
        for base in vowels + consonants + ["đ"] {
            for tone in vowels.contains(base) ? Tone.allCases : [.none] {
                for isUpperCase in [false, true] {
                    var text = isUpperCase ? String(base).uppercased() : String(base)
                    if let mark = tone.combiningMark { text.unicodeScalars.append(mark) }
                    let composed = text.precomposedStringWithCanonicalMapping.unicodeScalars
                    precondition(composed.count == 1, "no precomposed letter for \(text)")
                    all.append((VietnameseLetter(base: base, tone: tone, isUpperCase: isUpperCase), composed.first!))
                }
            }
        }
        return all
    }()

    /// The precomposed scalar of an untoned vowel scalar with a tone, or nil when `scalar` is
    /// not an untoned vowel (decoders call this for every tone mark, so it is one array
    /// look-up: every untoned vowel is below U+01B1).
    static func toned(_ scalar: Unicode.Scalar, _ tone: Tone) -> Unicode.Scalar? {
        let index = Int(scalar.value) &* tones &+ tone.rawValue
        guard scalar.value < tonedLimit, tone != .none, case let value = tonedTable[index], value != 0 else { return nil }
        return Unicode.Scalar(value)
    }

    private static let tones = Tone.allCases.count
    /// Above every untoned vowel scalar (ư is U+01B0).
    private static let tonedLimit: UInt32 = 0x1B1
    /// `toned`'s table: by untoned vowel scalar, then tone, the toned scalar (0: none).
    private static let tonedTable: [UInt32] = {
        var table = [UInt32](repeating: 0, count: Int(tonedLimit) * tones)
        for (letter, scalar) in all where letter.isVowel && letter.tone == .none {
            precondition(scalar.value < tonedLimit, "an untoned vowel above the toned table")
            for tone in Tone.allCases where tone != .none {
                table[Int(scalar.value) * tones + tone.rawValue] = letter.with(tone: tone)!.scalar!.value
            }
        }
        return table
    }()

    private static let byScalar: [UInt32: VietnameseLetter] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.scalar.value, $0.letter) })
    private static let byLetter: [VietnameseLetter: Unicode.Scalar] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.letter, $0.scalar) })
}
