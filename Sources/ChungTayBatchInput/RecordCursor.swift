import ChungTayCoding
import Foundation

/// A position in an input file from which records are read one at a time: the bytes
/// around it, and the current record as found there (not yet turned into a
/// `JSONObject`, so that pass 1 can read two keys without building the rest).
struct RecordCursor: ~Copyable {
    var window: ByteWindow
    private(set) var scanner: CSVScanner
    /// JSON Lines written by `ListPreparation` (a spool): a last member named
    /// `ListSpool.errorKey` is the record's input error, not a field.
    let readsSpool: Bool
    /// Offset and line of the next record.
    private(set) var position = 0
    private(set) var line = 1

    // The current record.
    private(set) var offset = 0
    private(set) var recordLine = 0
    private(set) var error: InputError?
    /// JSON Lines: the line's object (empty when it could not be read).
    private(set) var object = JSONObject([])
    /// CSV: whether the record's bytes are all ASCII (then also all NFC).
    private(set) var ascii = true
    /// JSON Lines: buffer indices of the line's object text when it was read without
    /// error (`objectStart == objectEnd` otherwise), so that pass 2 copies it as given.
    private(set) var objectStart = 0
    private(set) var objectEnd = 0
    /// Whether invalid UTF-8 made a cell of the current CSV record unreadable.
    private(set) var invalidUTF8 = false

    init(capacity: Int, delimiter: UInt8 = UInt8(ascii: ","), readsSpool: Bool = false) {
        window = ByteWindow(capacity: capacity)
        scanner = CSVScanner(delimiter: delimiter)
        self.readsSpool = readsSpool
    }

    /// Makes the next record the one at `offset`, which starts on `line`.
    mutating func seek(to offset: Int, line: Int, in input: InputFile) throws(BatchInputError) {
        position = offset
        self.line = line
        if offset < window.base || offset > window.end || window.count == 0 {
            try window.load(at: offset, from: input)
        }
    }

    /// Reads the next record; false at the end of the file.
    mutating func advance(
        in input: InputFile, format: InputFormat, headerCount: Int?, maximumRecordBytes: Int
    ) throws(BatchInputError) -> Bool {
        switch format {
        case .csv: return try advanceCSV(in: input, headerCount: headerCount, maximumRecordBytes: maximumRecordBytes)
        case .jsonLines: return try advanceJSONLine(in: input, maximumRecordBytes: maximumRecordBytes)
        }
    }

    // MARK: CSV

    private mutating func advanceCSV(
        in input: InputFile, headerCount: Int?, maximumRecordBytes: Int
    ) throws(BatchInputError) -> Bool {
        while true {
            let relative = position - window.base
            // The scanner sees at most `maximumRecordBytes` from the record's start, so
            // whether a record is too long does not depend on how much is buffered.
            let buffer = window.buffer
            let limit = min(buffer.count, relative + maximumRecordBytes)
            let outcome = scanner.scan(
                UnsafeBufferPointer(rebasing: buffer[0..<limit]), from: relative,
                atEnd: window.atEnd && limit == buffer.count, headerCount: headerCount)
            switch outcome {
            case .finished:
                return false
            case .blank(let end):
                position = window.base + end
                line += 1
            case .record(let end, let lines):
                startRecord()
                error = scanner.error
                checkUTF8(from: relative, to: end)
                position = window.base + end
                line += lines
                return true
            case .needMore:
                let held = window.end - position
                if held >= maximumRecordBytes {
                    startRecord()
                    if scanner.firstBreak >= 0 {
                        guard case .record(let end, let lines) = scanner.cutAtFirstBreak() else { return true }
                        error = scanner.error
                        checkUTF8(from: relative, to: end)
                        position = window.base + end
                        line += lines
                    } else {
                        let column = scanner.cells.count + 1
                        scanner.cells.removeAll(keepingCapacity: true)
                        error = InputError(
                            column: column,
                            message: "record longer than \(maximumRecordBytes) bytes (reading went on at the next line)")
                        try skipLine(in: input)
                    }
                    return true
                }
                let minimum = held > window.capacity / 2 ? window.capacity * 2 : window.capacity
                try window.refill(keepingFrom: position, minimumCapacity: minimum, from: input)
            }
        }
    }

    private mutating func startRecord() {
        offset = position
        recordLine = line
        ascii = true
        invalidUTF8 = false
        objectStart = 0
        objectEnd = 0
    }

    /// Invalid UTF-8 leaves its cell out and, unless the record has an error already,
    /// becomes the record's error.
    private mutating func checkUTF8(from start: Int, to end: Int) {
        let buffer = window.buffer
        switch UTF8Validation.classify(UnsafeBufferPointer(rebasing: buffer[start..<end])) {
        case .ascii:
            ascii = true
        case .unicode:
            ascii = false
        case .invalid:
            ascii = false
            invalidUTF8 = true
            for index in scanner.cells.indices where scanner.cells[index].present {
                let cell = scanner.cells[index]
                if UTF8Validation.classify(UnsafeBufferPointer(rebasing: buffer[cell.start..<cell.end])) == .invalid {
                    scanner.cells[index].present = false
                    if error == nil { error = InputError(column: index + 1, message: "invalid UTF-8 in the cell") }
                }
            }
        }
    }

    /// Moves `position` past the next line break (for a line too long to read).
    private mutating func skipLine(in input: InputFile) throws(BatchInputError) {
        while true {
            let relative = position - window.base
            let buffer = window.buffer
            if let found = Self.lineFeed(in: buffer, from: relative) {
                position = window.base + found + 1
                line += 1
                return
            }
            if window.atEnd {
                position = window.end
                return
            }
            try window.load(at: window.end, from: input)
            position = window.base
        }
    }

    /// The current CSV record's cell `column` (0-based) as text, in NFC; nil when absent
    /// or empty.
    func cellText(_ column: Int) -> String? {
        guard column < scanner.cells.count else { return nil }
        let cell = scanner.cells[column]
        guard Self.hasText(cell) else { return nil }
        let bytes = UnsafeBufferPointer(rebasing: window.buffer[cell.start..<cell.end])
        let text: String
        if cell.escaped {
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                unescaped.append(bytes[index])
                // A quote inside a quoted cell is always doubled.
                index += bytes[index] == UInt8(ascii: "\"") ? 2 : 1
            }
            text = String(decoding: unescaped, as: UTF8.self)
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
        return ascii ? text : UnicodeText.nfc(text)
    }

    /// The current CSV record as an object: header name → cell text, empty cells and
    /// cells past the header left out.
    func csvObject(header: [String]) -> JSONObject {
        var members: [JSONObject.Member] = []
        let count = min(scanner.cells.count, header.count)
        members.reserveCapacity(count)
        for column in 0..<count {
            if let text = cellText(column) {
                members.append(JSONObject.Member(key: header[column], value: .string(text)))
            }
        }
        return JSONObject(members)
    }

    /// Writes the current CSV record's cells as a table row's `cells` straight from the
    /// buffer: the text of the first `count` cells (those under the header), null for an
    /// empty one, the empty ones at the end left out; the same text as `csvObject`
    /// without building strings.
    func writeCSVCells(into writer: inout JSONWriter, count: Int) {
        writer.openArray()
        let buffer = window.buffer
        var end = min(scanner.cells.count, count)
        while end > 0, !Self.hasText(scanner.cells[end - 1]) { end -= 1 }
        for column in 0..<end {
            let cell = scanner.cells[column]
            guard Self.hasText(cell) else {
                writer.null()
                continue
            }
            let bytes = UnsafeBufferPointer(rebasing: buffer[cell.start..<cell.end])
            if !(ascii || UnicodeText.isProvablyNFC(bytes)) {
                writer.string(cellText(column) ?? "")
            } else if cell.escaped {
                // The inside of a quoted cell, where `""` stands for one quote.
                Self.undoublingQuotes(bytes).withUnsafeBufferPointer { writer.string(utf8: $0) }
            } else {
                writer.string(utf8: bytes)
            }
        }
        writer.closeArray()
    }

    /// A cell `cellText` gives text for.
    private static func hasText(_ cell: CSVScanner.Cell) -> Bool { cell.present && cell.end > cell.start }

    /// The bytes with each `""` read as one quote.
    private static func undoublingQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var undoubled: [UInt8] = []
        undoubled.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            undoubled.append(bytes[index])
            index += bytes[index] == UInt8(ascii: "\"") ? 2 : 1
        }
        return undoubled
    }

    /// Writes the current JSON line's object as given (`{}` for a line read with an error;
    /// a spool line's object less its error member).
    func writeJSONObject(into writer: inout JSONWriter) {
        if objectEnd > objectStart {
            writer.raw(UnsafeBufferPointer(rebasing: window.buffer[objectStart..<objectEnd]))
        } else if readsSpool {
            writer.value(.object(object))
        } else {
            writer.openObject()
            writer.closeObject()
        }
    }

    // MARK: JSON Lines

    private mutating func advanceJSONLine(in input: InputFile, maximumRecordBytes: Int) throws(BatchInputError) -> Bool {
        while true {
            let relative = position - window.base
            let buffer = window.buffer
            if relative >= buffer.count {
                if window.atEnd { return false }
                try window.refill(keepingFrom: position, minimumCapacity: window.capacity, from: input)
                continue
            }
            let lineEnd: Int
            let next: Int
            // A line is looked for within `maximumRecordBytes` only, so whether it is too
            // long does not depend on how much is buffered.
            let held = buffer.count - relative
            let limit = min(buffer.count, relative + maximumRecordBytes)
            if let found = Self.lineFeed(in: UnsafeBufferPointer(rebasing: buffer[0..<limit]), from: relative) {
                lineEnd = found
                next = found + 1
            } else if window.atEnd && held < maximumRecordBytes {
                lineEnd = buffer.count
                next = buffer.count
            } else {
                if held >= maximumRecordBytes {
                    startRecord()
                    object = JSONObject([])
                    error = InputError(column: maximumRecordBytes + 1, message: "line longer than \(maximumRecordBytes) bytes")
                    try skipLine(in: input)
                    return true
                }
                let minimum = held > window.capacity / 2 ? window.capacity * 2 : window.capacity
                try window.refill(keepingFrom: position, minimumCapacity: minimum, from: input)
                continue
            }
            let lineBytes = UnsafeBufferPointer(rebasing: buffer[relative..<lineEnd])
            guard let firstText = lineBytes.firstIndex(where: { !UnicodeText.isASCIIWhitespace($0) }) else {
                position = window.base + next
                line += 1
                continue
            }
            startRecord()
            parseJSONLine(lineBytes, firstText: firstText)
            if readsSpool, takeSpoolError() {
                // The object less its error member: written from `object`, not copied.
            } else if error == nil {
                var end = lineEnd
                while end > relative && UnicodeText.isASCIIWhitespace(buffer[end - 1]) { end -= 1 }
                objectStart = relative + firstText
                objectEnd = end
            }
            position = window.base + next
            line += 1
            return true
        }
    }

    private mutating func parseJSONLine(_ bytes: UnsafeBufferPointer<UInt8>, firstText: Int) {
        do throws(JSONSyntaxError) {
            let value = try JSONValue(parsing: Array(bytes))
            if case .object(let parsed) = value {
                object = parsed
                error = nil
                // The item nests the record three levels deeper than the line did; the
                // stage's reader refuses more than `JSONReader.maximumDepth` levels.
                if Self.depth(value) > Self.maximumRecordDepth {
                    object = JSONObject([])
                    error = InputError(column: firstText + 1, message: "nested deeper than \(Self.maximumRecordDepth) levels")
                }
            } else {
                object = JSONObject([])
                error = InputError(column: firstText + 1, message: "the line is \(Self.describe(value)), not a JSON object")
            }
        } catch let syntaxError {
            object = JSONObject([])
            error = InputError(column: syntaxError.offset + 1, message: "not valid JSON: \(syntaxError.message)")
        }
    }

    /// A spool line whose last member is `ListSpool.errorKey`: moves it into `error` (a
    /// spool's own reading error comes first) and out of `object`. False for any other line.
    private mutating func takeSpoolError() -> Bool {
        guard let last = object.members.last, last.key == ListSpool.errorKey else { return false }
        object = JSONObject(Array(object.members.dropLast()))
        if error == nil { error = ListSpool.inputError(from: last.value) }
        return true
    }

    /// Index of the first LF at or after `start`.
    static func lineFeed(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < buffer.count, let base = buffer.baseAddress,
            let found = memchr(base + start, 0x0A, buffer.count - start)
        else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// The reader's limit less the three levels an item adds around its record.
    static let maximumRecordDepth = JSONReader.maximumDepth - 3

    private static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): return 1 + (elements.map(depth).max() ?? 0)
        case .object(let object): return 1 + (object.members.map { depth($0.value) }.max() ?? 0)
        default: return 0
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .array: return "an array"
        case .string: return "a string"
        case .number, .unrepresentableNumber: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .object: return "an object"
        }
    }
}
