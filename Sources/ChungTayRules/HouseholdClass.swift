/// The classes a poverty standard assigns from income and deprivations (RULES.md 1.4).
public enum HouseholdClass: String, Sendable, CaseIterable {
    case poor
    case nearPoor = "near_poor"
    case average
    case above

    var isPoorOrNearPoor: Bool { self == .poor || self == .nearPoor }

    /// A bit of its own, for sets of classes tested without hashing.
    var bit: UInt8 {
        switch self {
        case .poor: 1
        case .nearPoor: 2
        case .average: 4
        case .above: 8
        }
    }
}
