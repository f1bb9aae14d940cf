/// Little-endian integers at fixed offsets of a ZIP record already read whole; every
/// caller has checked the record's length first, and the accessors check again.
struct LittleEndianFields {
    let bytes: [UInt8]
    let start: Int

    init(_ bytes: [UInt8], at start: Int = 0) {
        self.bytes = bytes
        self.start = start
    }

    func has(_ count: Int) -> Bool {
        start >= 0 && count >= 0 && start <= bytes.count && bytes.count - start >= count
    }

    func u16(_ offset: Int) -> Int {
        let index = start + offset
        guard index >= 0, index + 2 <= bytes.count else { return 0 }
        return Int(bytes[index]) | Int(bytes[index + 1]) << 8
    }

    func u32(_ offset: Int) -> Int {
        u16(offset) | u16(offset + 2) << 16
    }

    /// A 64-bit field, nil when it does not fit an `Int` (a ZIP64 size past 2^63).
    func u64(_ offset: Int) -> Int? {
        let high = u32(offset + 4)
        guard high <= Int(Int32.max) else { return nil }
        return u32(offset) | high << 32
    }
}
