/// How the current status differs from the list status (RULES.md 1.5 change table).
public enum ListChange: String, Sendable, CaseIterable {
    case enteredPoverty = "entered_poverty"
    case poorToNearPoor = "poor_to_near_poor"
    case nearPoorToPoor = "near_poor_to_poor"
    case escaped
    case newlyEscapedExpired = "newly_escaped_expired"
    case reentered
    case none

    init(previous: ListStatus, current: CurrentStatus) {
        switch (previous, current) {
        case (.none, .poor), (.none, .nearPoor), (.average, .poor), (.average, .nearPoor):
            self = .enteredPoverty
        case (.poor, .nearPoor):
            self = .poorToNearPoor
        case (.nearPoor, .poor):
            self = .nearPoorToPoor
        case (.poor, .newlyEscaped), (.nearPoor, .newlyEscaped):
            self = .escaped
        case (.newlyEscaped, .average), (.newlyEscaped, .above):
            self = .newlyEscapedExpired
        case (.newlyEscaped, .poor), (.newlyEscaped, .nearPoor):
            self = .reentered
        default:
            self = .none
        }
    }
}
