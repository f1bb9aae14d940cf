/// One entry of the central directory, with the sizes and CRC the directory gives (a
/// local header written before its data may hold zeros there and the real values in a
/// data descriptor, so the directory's are the ones to trust).
package struct ZipEntry: Sendable, Equatable {
    package var name: String
    package var flags: Int
    package var method: Int
    package var crc32: UInt32
    package var compressedSize: Int
    package var uncompressedSize: Int
    package var localHeaderOffset: Int
    /// Where the next entry's local header (or the central directory) starts: this
    /// entry's data must end by then, or two entries overlap.
    package var dataLimit: Int

    package var isEncrypted: Bool { flags & 1 != 0 }
}
