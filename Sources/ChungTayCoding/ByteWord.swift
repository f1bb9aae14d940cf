/// Eight bytes looked at at once (SWAR): the JSON reader and writer and the dispatcher's
/// line-break check scan every byte they handle, and a byte-by-byte loop was a large
/// part of their time. Each function gives the high bit of every byte of the word that
/// matches, and possibly of bytes above a match (the borrow of the has-zero trick), so
/// the lowest flag is exact and a zero result means no byte matched.
///
/// Public, not `package`: as `@inlinable package` functions they were called, not
/// inlined, from ChungTayWire's line-break check and message decoder (in a perf profile
/// of a 300,000-household batch, `matching` and `load` took 6.6 % of the dispatcher's
/// samples and 5.4 % of a worker's; as public functions they are inlined and gone).
public enum ByteWord {
    // Computed, not stored: a constant folds into inlined code in other modules.
    @inlinable public static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @inlinable public static var highBits: UInt64 { 0x8080_8080_8080_8080 }

    /// The bytes equal to `byte`.
    @inlinable @inline(__always)
    public static func matching(_ byte: UInt8, in word: UInt64) -> UInt64 {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highBits
    }

    /// The bytes below 0x20 (control characters).
    @inlinable @inline(__always)
    public static func controls(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word & highBits
    }

    /// The quotes and backslashes: where a JSON string ends or an escape starts.
    @inlinable @inline(__always)
    public static func quotesOrBackslashes(_ word: UInt64) -> UInt64 {
        matching(UInt8(ascii: "\""), in: word) | matching(UInt8(ascii: "\\"), in: word)
    }

    /// The bytes a JSON string cannot hold as they are: quotes, backslashes and control
    /// characters.
    @inlinable @inline(__always)
    public static func jsonStringSpecials(_ word: UInt64) -> UInt64 {
        quotesOrBackslashes(word) | controls(word)
    }

    /// The word at `offset`, unaligned.
    @inlinable @inline(__always)
    public static func load(_ base: UnsafeRawPointer, at offset: Int) -> UInt64 {
        base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }
}
