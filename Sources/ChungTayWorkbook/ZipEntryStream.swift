import CZlib

/// One entry's bytes as a stream: stored data read through, deflated data inflated by
/// zlib (raw deflate, `-MAX_WBITS`) from a fixed 64 KiB input buffer into the reader's
/// buffer, so no part is ever held whole whatever its size.
///
/// The entry's directory sizes bound everything: a part declared over
/// `maximumPartBytes`, or inflating more than `maximumCompressionRatio` times its
/// compressed size, is refused before a byte is read; inflating past the declared size,
/// stopping short of it, or leaving compressed bytes unused is damage; the CRC-32 is
/// compared when the stream ends.
package final class ZipEntryStream: ByteSource {
    package let partName: String
    private let file: ArchiveFile
    private let entry: ZipEntry
    private let deflated: Bool
    /// File offset of the next compressed byte to read, and how many remain.
    private var inputOffset: Int
    private var inputRemaining: Int
    private var produced = 0
    private var crc: UInt = 0
    private var finished = false
    private var streamEnded = false
    private var inflaterStarted = false
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private static let inputCapacity = 64 << 10

    init(entry: ZipEntry, file: ArchiveFile, limits: WorkbookLimits) throws(WorkbookError) {
        partName = entry.name
        self.file = file
        self.entry = entry
        guard !entry.isEncrypted else {
            throw .unsupportedEntry(part: entry.name, reason: "encrypted; save the workbook without a password")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw .unsupportedEntry(part: entry.name, reason: "compressed with method \(entry.method); only stored and deflated entries are read")
        }
        guard entry.uncompressedSize <= limits.maximumPartBytes else {
            throw .limitExceeded(part: entry.name, what: "\(entry.uncompressedSize) bytes inflated", limit: limits.maximumPartBytes)
        }
        if entry.uncompressedSize > limits.compressionRatioFloor {
            let ratio = entry.uncompressedSize / max(entry.compressedSize, 1)
            guard ratio <= limits.maximumCompressionRatio else {
                throw .limitExceeded(part: entry.name, what: "compression ratio \(ratio):1", limit: limits.maximumCompressionRatio)
            }
        }
        if entry.method == 0 && entry.compressedSize != entry.uncompressedSize {
            throw .damagedEntry(part: entry.name, reason: "a stored entry whose sizes differ")
        }
        guard let header = try file.bytes(at: entry.localHeaderOffset, count: 30) else {
            throw .damagedEntry(part: entry.name, reason: "its local header lies past the end of the file")
        }
        let local = LittleEndianFields(header)
        guard local.u32(0) == 0x0403_4B50 else {
            throw .damagedEntry(part: entry.name, reason: "no local header where the directory points")
        }
        // Checked arithmetic: every term comes from the file.
        let (dataStart, startOverflow) = (entry.localHeaderOffset + 30).addingReportingOverflow(local.u16(26) + local.u16(28))
        let (dataEnd, endOverflow) = dataStart.addingReportingOverflow(entry.compressedSize)
        guard !startOverflow, !endOverflow, dataEnd <= entry.dataLimit else {
            throw .damagedArchive("the data of \(entry.name) overlaps the next entry or runs past the end")
        }
        // The local header must name the entry too: a reader going through local headers
        // (a mail filter's scanner) would otherwise see other parts than this one.
        let nameBytes = Array(entry.name.utf8)
        guard local.u16(26) == nameBytes.count, try file.bytes(at: entry.localHeaderOffset + 30, count: nameBytes.count) == nameBytes else {
            throw .damagedEntry(part: entry.name, reason: "its local header names another entry")
        }
        deflated = entry.method == 8
        inputOffset = dataStart
        inputRemaining = entry.compressedSize
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: Self.inputCapacity)
        // Past this point the object is whole, so deinit runs even if init throws.
        if deflated {
            guard czlib_inflate_init_raw(stream) == Z_OK else {
                throw .damagedEntry(part: entry.name, reason: "zlib could not start inflating")
            }
            inflaterStarted = true
        }
    }

    deinit {
        if inflaterStarted { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(WorkbookError) -> Int {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = try deflated ? inflate(into: base.assumingMemoryBound(to: UInt8.self), count: buffer.count) : copyStored(into: base, count: buffer.count)
        if count == 0 {
            try finish()
            return 0
        }
        let (total, overflow) = produced.addingReportingOverflow(count)
        guard !overflow, total <= entry.uncompressedSize else {
            throw .damagedEntry(part: partName, reason: "it inflates past its declared size of \(entry.uncompressedSize) bytes")
        }
        produced = total
        crc = crc32(crc, base.assumingMemoryBound(to: UInt8.self), uInt(count))
        return count
    }

    private func copyStored(into destination: UnsafeMutableRawPointer, count: Int) throws(WorkbookError) -> Int {
        let chunk = min(count, inputRemaining, 1 << 30)
        guard chunk > 0 else { return 0 }
        guard try file.readFully(into: destination, count: chunk, at: inputOffset) else {
            throw .damagedEntry(part: partName, reason: "the file ends inside its data")
        }
        inputOffset += chunk
        inputRemaining -= chunk
        return chunk
    }

    private func inflate(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws(WorkbookError) -> Int {
        guard !streamEnded else { return 0 }
        let capacity = min(count, Int(UInt32.max))
        stream.pointee.next_out = destination
        stream.pointee.avail_out = uInt(capacity)
        while true {
            if stream.pointee.avail_in == 0 && inputRemaining > 0 {
                let chunk = min(Self.inputCapacity, inputRemaining)
                guard try file.readFully(into: input, count: chunk, at: inputOffset) else {
                    throw .damagedEntry(part: partName, reason: "the file ends inside its data")
                }
                inputOffset += chunk
                inputRemaining -= chunk
                stream.pointee.next_in = input
                stream.pointee.avail_in = uInt(chunk)
            }
            let availableBefore = stream.pointee.avail_in
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let written = capacity - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                guard stream.pointee.avail_in == 0 && inputRemaining == 0 else {
                    throw .damagedEntry(part: partName, reason: "its deflate data ends before its compressed size")
                }
                streamEnded = true
                return written
            case Z_OK, Z_BUF_ERROR:
                if written > 0 { return written }
                guard stream.pointee.avail_in != availableBefore else {
                    let reason = inputRemaining == 0 ? "its deflate data is cut short" : "its deflate data makes no progress"
                    throw .damagedEntry(part: partName, reason: reason)
                }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw .damagedEntry(part: partName, reason: "bad deflate data (\(message))")
            }
        }
    }

    /// At the end: the declared size reached and the CRC-32 equal.
    private func finish() throws(WorkbookError) {
        finished = true
        guard produced == entry.uncompressedSize else {
            throw .damagedEntry(part: partName, reason: "\(produced) bytes where the directory declares \(entry.uncompressedSize)")
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc32 else {
            throw .damagedEntry(part: partName, reason: "CRC-32 mismatch")
        }
    }
}
