/// The socio-political organisation a savings group is entrusted to.
public enum Association: String, Sendable, CaseIterable {
    case farmers
    case women
    case veterans
    case youth
}
