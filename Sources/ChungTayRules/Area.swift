/// Rural or urban: the poverty line depends on it.
public enum Area: String, Sendable, CaseIterable {
    case rural
    case urban

    /// A bit of its own, for sets of areas tested without hashing.
    var bit: UInt8 { self == .rural ? 1 : 2 }
}
