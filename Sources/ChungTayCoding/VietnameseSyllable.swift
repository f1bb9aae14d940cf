/// Whether a word is one Vietnamese syllable as spelled in the national orthography: an
/// initial consonant (or none), a rhyme from the language's inventory (medial, vowel
/// nucleus, final), and at most one tone mark, which a syllable closed by p, t, c or ch
/// may only be sắc or nặng. Case must be lower, capitalised or upper throughout.
///
/// Place and personal names of the Central Highlands keep their own languages' spellings
/// in official use (Đắk Lắk, Đăk Đoa, Krông Búk, Chư Prông, K' Brơi), so a final k (read as
/// c, without c's tone rule) and the onset clusters bl br dr đr gl gr kl kr pl pr count too:
/// a list from those provinces has such a name on every row, and would otherwise fit no
/// encoding. They are ASCII letters, the same in every encoding, so they do not blur the
/// difference between the right table and a wrong one.
///
/// Encoding detection reads a file in each legacy encoding and counts the words that come
/// out as syllables: text decoded with the wrong table gives letters no syllable has
/// (`Nguyờịn`, `Nguyeăn`), so the share of syllables tells the encodings apart.
public enum VietnameseSyllable {
    public static func isValid(_ word: String) -> Bool {
        var letters: [VietnameseLetter] = []
        for scalar in word.unicodeScalars {
            guard let letter = VietnameseLetter(scalar), letters.count < 8 else { return false }
            letters.append(letter)
        }
        guard !letters.isEmpty, hasWordCase(letters) else { return false }
        let toned = letters.filter { $0.tone != .none }
        guard toned.count <= 1 else { return false }
        let tone = toned.first?.tone ?? .none
        let bases = String(String.UnicodeScalarView(letters.map(\.base)))
        return spellings(of: bases).contains { onset, rhyme in
            if rhyme.hasSuffix("k") {
                let asC = String(rhyme.dropLast()) + "c"
                return rhymes.contains(asC) && onsetFits(onset, before: asC)
            }
            return rhymes.contains(rhyme) && onsetFits(onset, before: rhyme) && (!closedRhyme(rhyme) || tone.isChecked)
        }
    }

    /// Lower case, capitalised, or upper case throughout.
    private static func hasWordCase(_ letters: [VietnameseLetter]) -> Bool {
        let rest = letters.dropFirst()
        return rest.allSatisfy { !$0.isUpperCase } || letters.allSatisfy(\.isUpperCase)
    }

    /// The ways to split the toneless lower-case word into a written onset and rhyme: the
    /// longest onset that matches, and for `gi` and `qu`, whose second letter may belong to
    /// the rhyme, the shorter one as well (`gìn` = g + in, `giếng` = gi + iêng with the i
    /// written once, `quốc` = q + uôc).
    private static func spellings(of word: String) -> [(onset: String, rhyme: String)] {
        var result: [(String, String)] = []
        for onset in onsets where word.hasPrefix(onset) {
            let rhyme = String(word.dropFirst(onset.count))
            result.append((onset, rhyme))
            if onset == "gi" && rhyme.hasPrefix("ê") { result.append((onset, "i" + rhyme)) }
        }
        return result
    }

    /// Spelling rules of the onsets before the rhyme's first letter: k, gh and ngh before
    /// e, ê, i (y), c and ng elsewhere; g not before e or ê; q only before the rhymes
    /// that begin with the medial u.
    private static func onsetFits(_ onset: String, before rhyme: String) -> Bool {
        let front = rhyme.first.map { "eêiy".contains($0) } ?? false
        switch onset {
        case "k", "gh", "ngh": return front
        case "c", "ng": return !front
        case "g": return !(rhyme.first.map { "eê".contains($0) } ?? false)
        case "q": return afterQ.contains(rhyme)
        case "gi": return !rhyme.isEmpty
        default: return !afterQOnly.contains(rhyme)
        }
    }

    /// Whether the rhyme ends in a stop (p, t, c, ch), which limits the tone.
    private static func closedRhyme(_ rhyme: String) -> Bool {
        rhyme.hasSuffix("p") || rhyme.hasSuffix("t") || rhyme.hasSuffix("c") || rhyme.hasSuffix("ch")
    }

    /// Initial consonants, then the Central Highlands clusters ("" for none; every onset that
    /// matches is tried).
    private static let onsets: [String] = [
        "ngh", "ng", "nh", "n", "gh", "gi", "g", "ch", "c", "kh", "k", "ph", "p", "th", "tr", "t",
        "b", "d", "đ", "h", "l", "m", "q", "r", "s", "v", "x",
        "bl", "br", "dr", "đr", "gl", "gr", "kl", "kr", "pl", "pr", "",
    ]

    /// The rhymes written after q (always with the medial u).
    private static let afterQ: Set<String> = [
        "ua", "uac", "uach", "uai", "uam", "uan", "uang", "uanh", "uao", "uap", "uat", "uay",
        "uăc", "uăm", "uăn", "uăng", "uăp", "uăt", "uân", "uâng", "uât", "uây",
        "ue", "uen", "ueo", "uet", "uê", "uêch", "uênh", "uêt",
        "uy", "uya", "uych", "uyn", "uynh", "uyp", "uyt", "uyu", "uyên", "uyêt",
        "uơ", "uôc",
    ]

    /// Of those, the ones no other onset writes with u (elsewhere the medial is o: hoa, hoe).
    private static let afterQOnly: Set<String> = [
        "uac", "uach", "uai", "uam", "uan", "uang", "uanh", "uao", "uap", "uat", "uay",
        "uăc", "uăm", "uăn", "uăng", "uăp", "uăt", "ue", "uen", "ueo", "uet",
    ]

    /// The rhymes of standard Vietnamese spelling, without tone.
    private static let rhymes: Set<String> = afterQ.union([
        "a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
        "ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
        "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
        "e", "ec", "em", "en", "eng", "eo", "ep", "et",
        "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu",
        "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
        "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
        "o", "oc", "oi", "om", "on", "ong", "op", "ot", "ooc", "oong",
        "ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
        "ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
        "u", "ua", "uc", "ui", "um", "un", "ung", "up", "ut",
        "uôc", "uôi", "uôm", "uôn", "uông", "uôt",
        "ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
        "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
        "y", "yêm", "yên", "yêng", "yêt", "yêu",
        "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
        "oăc", "oăm", "oăn", "oăng", "oăt", "oe", "oem", "oen", "oeo", "oet",
    ])
}
