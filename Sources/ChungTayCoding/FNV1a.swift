/// FNV-1a, 64 bits: cheap and stable across runs and machines (Swift's `Hasher` is
/// seeded per process), for hashes that are stored or compared between processes: the
/// store's document index, input fingerprints.
///
/// Inlinable, so that the generic `add` is specialised for the caller's sequence: across
/// modules an unspecialised loop went through the Sequence witnesses byte by byte.
public struct FNV1a: Sendable {
    @usableFromInline var state: UInt64

    /// The hash of what was added so far.
    @inlinable public var value: UInt64 { state }

    @inlinable
    public init() {
        state = 0xcbf2_9ce4_8422_2325
    }

    @inlinable
    public mutating func add(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    @inlinable
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { add(byte) }
    }

    /// The hash of `bytes`.
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = FNV1a()
        hash.add(bytes)
        return hash.value
    }
}
