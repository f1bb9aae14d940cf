/// The status a review gives: the computed class, except that households leaving
/// poverty keep the newly-escaped status for a period (RULES.md 1.5).
public enum CurrentStatus: String, Sendable, CaseIterable {
    case poor
    case nearPoor = "near_poor"
    case newlyEscaped = "newly_escaped"
    case average
    case above

    /// A bit of its own, for sets of statuses tested without hashing.
    var bit: UInt8 {
        switch self {
        case .poor: 1
        case .nearPoor: 2
        case .newlyEscaped: 4
        case .average: 8
        case .above: 16
        }
    }

    init(_ computed: HouseholdClass) {
        switch computed {
        case .poor: self = .poor
        case .nearPoor: self = .nearPoor
        case .average: self = .average
        case .above: self = .above
        }
    }
}
