import ChungTayCoding
import Foundation

/// Converts a text file in UTF-16 or a legacy Vietnamese encoding to UTF-8 in NFC, and a
/// file whose lines end in CR alone (Excel for Mac's "CSV (Macintosh)") to one whose lines
/// end in LF, streaming: a chunk of whole lines at a time (a line end is a character
/// boundary in every encoding here, and a tone mark never crosses it), so memory stays one
/// chunk whatever the file's size. Each line end stays where it was (a CR becomes an LF),
/// so line N of the copy is line N of the file.
enum TextTranscoder {
    enum Source {
        /// Copied byte for byte (invalid UTF-8 included, for the reader to find).
        case utf8
        case utf16(littleEndian: Bool)
        case legacy(LegacyEncoding)
    }

    static let chunkSize = 1 << 20

    /// Whether `sample` (whole lines of the file, as read) ends its lines with CR and never
    /// with LF.
    static func endsLinesWithCarriageReturns(_ sample: [UInt8], source: Source) -> Bool {
        switch source {
        case .utf8, .legacy:
            return sample.contains(0x0D) && !sample.contains(0x0A)
        case .utf16(let littleEndian):
            var carriageReturn = false
            var index = 0
            while index + 1 < sample.count {
                let (low, high) = littleEndian ? (sample[index], sample[index + 1]) : (sample[index + 1], sample[index])
                if high == 0 && low == 0x0A { return false }
                if high == 0 && low == 0x0D { carriageReturn = true }
                index += 2
            }
            return carriageReturn
        }
    }

    /// The UTF-8 text of `input`, in a new `SpoolFile`; with `carriageReturns`, each CR
    /// (the file's line end) written as LF.
    static func transcode(_ input: InputFile, from source: Source, carriageReturns: Bool = false) throws(BatchInputError) -> SpoolFile {
        let output = try SpoolFile()
        let writer = SpoolWriter(spool: output, naming: input.path, maximumRecordBytes: .max)
        let lineEnd: UInt8 = carriageReturns ? 0x0D : 0x0A
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
            // Up to just after the last line end, unless the file ends here or a line fills
            // the chunk (then the whole chunk, whole UTF-16 code units).
            var cut = held
            if !atEnd {
                cut = lastLineEnd(lineEnd, in: buffer, count: held, source: source) ?? held
                if case .utf16 = source { cut -= cut % 2 }
            }
            // A UTF-8 BOM before legacy bytes (a converter's or an editor's) is no text of the list.
            var start = 0
            if first, case .legacy = source, cut >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            var bytes = convert(UnsafeRawBufferPointer(start: buffer + start, count: cut - start), from: source, first: first)
            first = false
            if carriageReturns {
                for index in bytes.indices where bytes[index] == 0x0D { bytes[index] = 0x0A }
            }
            try writer.append(bytes)
            memmove(buffer, buffer + cut, held - cut)
            held -= cut
            if atEnd { break }
        }
        try writer.flush()
        return output
    }

    /// Whole lines of the file as UTF-8: as they are, or decoded into NFC (the first without
    /// its byte order mark).
    private static func convert(_ bytes: UnsafeRawBufferPointer, from source: Source, first: Bool) -> [UInt8] {
        var text: String
        switch source {
        case .utf8:
            return Array(bytes)
        case .legacy(let encoding):
            text = encoding.decode(bytes)
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
            text = String(decoding: units, as: UTF16.self)
        }
        if first, text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return Array(UnicodeText.nfc(text).utf8)
    }

    /// Just after the last `lineEnd` (LF or CR) in `buffer[0..<count]`, nil without one.
    private static func lastLineEnd(_ lineEnd: UInt8, in buffer: UnsafeMutablePointer<UInt8>, count: Int, source: Source) -> Int? {
        var index = count - 1
        switch source {
        case .utf8, .legacy:
            while index >= 0 {
                if buffer[index] == lineEnd { return index + 1 }
                index -= 1
            }
        case .utf16(let littleEndian):
            // Code units start at even offsets; LF is 0A 00 (LE) or 00 0A (BE), CR 0D 00 or 00 0D.
            index = count - count % 2 - 2
            while index >= 0 {
                let (first, second) = littleEndian ? (buffer[index], buffer[index + 1]) : (buffer[index + 1], buffer[index])
                if first == lineEnd && second == 0 { return index + 2 }
                index -= 2
            }
        }
        return nil
    }
}
