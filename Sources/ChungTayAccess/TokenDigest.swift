/// The SHA-256 of a bearer token: what an allow directory's `ROLE/NAME.token` holds, as one
/// line `sha256:<64 hex digits>`, so that the directory (copied, backed up, readable by the
/// dispatcher's operators) never holds a token that would let its reader call the API.
///
/// Comparing two digests takes the same time whatever bytes differ: a caller timing refusals
/// learns nothing about a listed digest.
public struct TokenDigest: Sendable, Equatable, CustomStringConvertible {
    public static let byteCount = 32
    static let prefix = "sha256:"

    /// The 32 bytes of the hash.
    public let bytes: [UInt8]

    /// A digest from the hash's bytes; nil unless there are exactly 32.
    public init?(sha256 bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Parses `sha256:<64 hex digits>` (either case); nil for anything else.
    public init?(line: Substring) {
        guard line.hasPrefix(Self.prefix) else { return nil }
        let hex = Array(line.utf8.dropFirst(Self.prefix.utf8.count))
        guard hex.count == Self.byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        for index in stride(from: 0, to: hex.count, by: 2) {
            guard let high = Self.nibble(hex[index]), let low = Self.nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    /// The file's line: `sha256:` and the hash in lowercase hex.
    public var line: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = Array(Self.prefix.utf8)
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]] }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { line }

    /// The first 8 bytes as a number: where ``AllowList`` files a digest so that finding it takes
    /// one dictionary lookup. Timing that lookup can only tell a caller about 8 bytes of the hash
    /// of a token it chose, which brings it no closer to a listed token.
    var bucket: UInt64 { bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }

    /// Constant time: every byte is compared whatever the first difference.
    public static func == (lhs: TokenDigest, rhs: TokenDigest) -> Bool {
        var difference: UInt8 = 0
        for (left, right) in zip(lhs.bytes, rhs.bytes) { difference |= left ^ right }
        return difference == 0 && lhs.bytes.count == rhs.bytes.count
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
