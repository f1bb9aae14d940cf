/// A stream of bytes that the XML tokenizer pulls from: an entry of the archive being
/// inflated, or bytes in memory (tests and the fuzz targets).
package protocol ByteSource: AnyObject {
    /// The part's name, for messages.
    var partName: String { get }
    /// Reads up to `buffer.count` bytes into `buffer`; 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(WorkbookError) -> Int
}

/// Bytes in memory handed out at most `chunkSize` at a time, so that tests and fuzzing
/// reach the tokenizer's refills at every boundary.
package final class MemoryByteSource: ByteSource {
    package let partName: String
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var position = 0

    package init(_ bytes: [UInt8], partName: String = "memory", chunkSize: Int = .max) {
        self.bytes = bytes
        self.partName = partName
        self.chunkSize = max(chunkSize, 1)
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(WorkbookError) -> Int {
        let count = min(buffer.count, chunkSize, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}
