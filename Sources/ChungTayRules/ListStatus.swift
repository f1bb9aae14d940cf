/// A household's status on the currently approved list, as carried by the record.
public enum ListStatus: String, Sendable, CaseIterable {
    case poor
    case nearPoor = "near_poor"
    case newlyEscaped = "newly_escaped"
    case average
    case none
}
