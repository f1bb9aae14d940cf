/// Decides an office list's `NumberLocale` from the text cells of its number columns, for
/// the whole file: evidence for one locale only decides it; evidence for both refuses the
/// file (`BatchInputError.mixedNumberLocales`); no evidence leaves the default, which is
/// stated, since a `4.965` may then be read either way.
struct NumberLocaleDetector {
    /// The first cell showing each locale's grouping and decimal mark, as written.
    private var grouped: [NumberLocale: String] = [:]
    private var decimal: [NumberLocale: String] = [:]
    /// The first `4.965`-like cell.
    private(set) var ambiguous: String?

    mutating func note(_ text: String) {
        switch NumberLocale.evidence(text) {
        case .none:
            break
        case .ambiguous:
            if ambiguous == nil { ambiguous = text }
        case .locale(let locale, let isGrouped):
            if isGrouped {
                if grouped[locale] == nil { grouped[locale] = text }
            } else if decimal[locale] == nil {
                decimal[locale] = text
            }
        }
    }

    /// Evidence for both locales has been seen: reading further cannot change the outcome.
    var isMixed: Bool { examples(.vi) != nil && examples(.en) != nil }

    /// The cells that showed `locale`, as `4.965.000 and 40,8`; nil without any.
    func examples(_ locale: NumberLocale) -> String? {
        let shown = [grouped[locale], decimal[locale]].compactMap { $0 }
        return shown.isEmpty ? nil : shown.joined(separator: " and ")
    }

    /// The file's locale and the words that state it, for `fallback` when nothing decides.
    func decision(path: String, fallback: NumberLocale, fallbackReason: String) throws(BatchInputError) -> (NumberLocale, String) {
        switch (examples(.vi), examples(.en)) {
        case (let vi?, let en?):
            throw .mixedNumberLocales(path: path, vi: vi, en: en)
        case (let vi?, nil):
            return (.vi, "numbers written \(vi) (locale vi)")
        case (nil, let en?):
            return (.en, "numbers written \(en) (locale en)")
        case (nil, nil):
            guard let ambiguous else { return (fallback, "no decimal or grouped numbers (locale \(fallback.rawValue))") }
            let other: NumberLocale = fallback == .vi ? .en : .vi
            let meaning = fallback == .vi ? "thousands" : "a decimal"
            return (fallback, "numbers such as \(ambiguous) read as \(meaning), locale \(fallback.rawValue) (\(fallbackReason); "
                + "give --locale \(other.rawValue) otherwise)")
        }
    }
}
