import ChungTayCoding
import Foundation

/// Converts a text file in UTF-16 or a legacy Vietnamese encoding to UTF-8 in NFC,
/// streaming: a chunk of whole lines at a time (a line feed is a character boundary in
/// every encoding here, and a tone mark never crosses it), so memory stays one chunk
/// whatever the file's size. Line feeds stay where they were, so line N of the copy is
/// line N of the file.
enum TextTranscoder {
    enum Source {
        case utf16(littleEndian: Bool)
        case legacy(LegacyEncoding)
    }

    static let chunkSize = 1 << 20

    /// Writes the UTF-8 text of `input` to the new file `output` (mode 0600).
    static func transcode(_ input: InputFile, from source: Source, to output: String) throws(BatchInputError) {
        let writer = try SpoolWriter(path: output, maximumRecordBytes: .max)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        var offset = 0
        var held = 0
        var first = true
        while true {
            let got = try input.read(into: buffer + held, count: chunkSize - held, at: offset)
            offset += got
            held += got
            let atEnd = got == 0 || offset >= input.size
            // Up to just after the last line feed, unless the file ends here or a line fills
            // the chunk (then the whole chunk, whole UTF-16 code units).
            var cut = held
            if !atEnd {
                cut = lastLineEnd(buffer, count: held, source: source) ?? held
                if case .utf16 = source { cut -= cut % 2 }
            }
            var text = decode(UnsafeRawBufferPointer(start: buffer, count: cut), from: source)
            if first, text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
            first = false
            try writer.append(Array(UnicodeText.nfc(text).utf8))
            memmove(buffer, buffer + cut, held - cut)
            held -= cut
            if atEnd { break }
        }
        try writer.flush()
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, from source: Source) -> String {
        switch source {
        case .legacy(let encoding):
            return encoding.decode(bytes)
        case .utf16(let littleEndian):
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2 + 1)
            var index = 0
            while index + 1 < bytes.count {
                let low = UInt16(bytes[littleEndian ? index : index + 1])
                let high = UInt16(bytes[littleEndian ? index + 1 : index])
                units.append(high << 8 | low)
                index += 2
            }
            // An odd last byte is half a character: a replacement character, as any other damage.
            if index < bytes.count { units.append(0xFFFD) }
            return String(decoding: units, as: UTF16.self)
        }
    }

    /// Just after the last line feed in `buffer[0..<count]`, nil without one.
    private static func lastLineEnd(_ buffer: UnsafeMutablePointer<UInt8>, count: Int, source: Source) -> Int? {
        var index = count - 1
        switch source {
        case .legacy:
            while index >= 0 {
                if buffer[index] == 0x0A { return index + 1 }
                index -= 1
            }
        case .utf16(let littleEndian):
            // Code units start at even offsets; LF is 0A 00 (LE) or 00 0A (BE).
            index = count - count % 2 - 2
            while index >= 0 {
                let (first, second) = littleEndian ? (buffer[index], buffer[index + 1]) : (buffer[index + 1], buffer[index])
                if first == 0x0A && second == 0 { return index + 2 }
                index -= 2
            }
        }
        return nil
    }
}
