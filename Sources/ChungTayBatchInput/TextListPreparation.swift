import ChungTayCoding
import ChungTayRules
import Foundation

/// `ListPreparation` for delimited text (`.csv`, `.tsv`, `.txt`): the encoding from the
/// first MiB (or `--encoding`), a copy in UTF-8 when it is another, the delimiter from the
/// header line, the numbers' locale from the whole file (or `--locale`), then the spool.
struct TextListPreparation {
    let path: String
    let list: ListKind
    let locale: NumberLocale?
    let encoding: TextEncodingChoice?
    /// `.csv`: a UTF-8, comma-separated file headed by field names is read as it is.
    let machineFileAllowed: Bool
    let maximumRecordBytes: Int

    static let sampleBytes = 1 << 20
    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]

    init(
        path: String, list: ListKind, locale: NumberLocale?, encoding: TextEncodingChoice?, machineFileAllowed: Bool,
        maximumRecordBytes: Int
    ) {
        self.path = path
        self.list = list
        self.locale = locale
        self.encoding = encoding
        self.machineFileAllowed = machineFileAllowed
        self.maximumRecordBytes = maximumRecordBytes
    }

    func prepare() throws(BatchInputError) -> PreparedList {
        let input = try InputFile(path: path)
        let sample = try Self.sample(of: input)
        let detection: TextEncodingDetection
        var encodingWords: String
        switch encoding {
        case .utf8?:
            detection = .utf8
            encodingWords = "UTF-8 (--encoding)"
        case .legacy(let legacy)?:
            detection = .legacy(legacy, validShare: 1)
            encodingWords = "\(legacy.displayName) (--encoding) converted to UTF-8 (NFC)"
        case nil:
            detection = sample.withUnsafeBytes { TextEncodingDetector.detect($0) }
            encodingWords = detection == .utf8 ? "UTF-8" : "\(detection) converted to UTF-8 (NFC)"
        }
        // A UTF-8 file is read where it is; another (or one whose lines end in CR alone) is
        // read from its UTF-8 copy, which goes with this function once the spool is written.
        let text: SpoolFile?
        let source: TextTranscoder.Source
        switch detection {
        case .utf8:
            if machineFileAllowed, locale == nil, list.namesFieldsOnly(Self.commaSeparatedHeader(sample)) {
                return PreparedList(source: ListSource(path: path), statement: nil, spool: nil)
            }
            source = .utf8
        case .utf16(let littleEndian):
            source = .utf16(littleEndian: littleEndian)
        case .legacy(let legacy, _):
            source = .legacy(legacy)
        case .unknown:
            throw .unrecognisedEncoding(path: path, found: detection.description)
        }
        let carriageReturns = TextTranscoder.endsLinesWithCarriageReturns(sample, source: source)
        if carriageReturns { encodingWords += "; CR line endings" }
        if case .utf8 = source, !carriageReturns {
            text = nil
        } else {
            text = try TextTranscoder.transcode(input, from: source, carriageReturns: carriageReturns)
        }
        let (reader, delimiter) = try headerReader(text?.path ?? path, file: input.name)
        let columns = reader.header.map { SpoolColumn(title: $0, in: list.columns) }
        guard columns.contains(where: { $0.name == list.keyField }) else {
            throw .noHeaderRow(
                path: path,
                message: "line 1 names no \(list.keyField) column (\"\(list.keyColumn.title)\"); the header must be the first line")
        }
        if let (first, second) = SpoolColumn.sameField(columns) {
            throw .noHeaderRow(
                path: path,
                message: "columns \(first + 1) (\"\(reader.header[first])\") and \(second + 1) (\"\(reader.header[second])\") both name "
                    + "\(columns[first].name); remove or rename one")
        }
        let (locale, localeWords) = try readLocale(reader, columns: columns, delimiter: delimiter)
        let spool = try SpoolFile()
        let skipped = try writeSpool(reader, columns: columns, locale: locale, to: spool)
        withExtendedLifetime(text) {}
        let known = columns.count { $0.isKnown }
        let statement = "\(input.name): \(encodingWords); delimiter \(Self.spell(delimiter)); \(localeWords); "
            + "\(columns.count) columns (\(known) known)" + SpoolColumn.strayRowWords(skipped, list: list)
        return PreparedList(
            source: ListSource(spool: spool.path, file: input.name, sheet: nil), statement: statement, spool: spool)
    }

    /// The first MiB, cut after its last line feed unless the file ends within it.
    static func sample(of input: InputFile) throws(BatchInputError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: min(sampleBytes, input.size))
        var count = 0
        while count < bytes.count {
            let got = try bytes.withUnsafeMutableBufferPointer { buffer throws(BatchInputError) in
                try input.read(into: buffer.baseAddress! + count, count: buffer.count - count, at: count)
            }
            if got == 0 { break }
            count += got
        }
        bytes.removeLast(bytes.count - count)
        if count < input.size, let lastLineFeed = bytes.lastIndex(of: 0x0A) { bytes.removeLast(bytes.count - lastLineFeed - 1) }
        return bytes
    }

    /// The first line's names split at commas (a BOM and a CR dropped), as a machine
    /// file's header is written: no quoting.
    static func commaSeparatedHeader(_ sample: [UInt8]) -> [String] {
        var line = sample[...]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if let end = line.firstIndex(of: 0x0A) { line = line[..<end] }
        if line.last == 0x0D { line = line.dropLast() }
        guard !line.contains(UInt8(ascii: "\"")) else { return [] }
        return line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The reader of the delimiter that splits the header line into the most cells that are
    /// known titles, then the most cells; a tie between delimiters refuses the file.
    private func headerReader(_ textPath: String, file: String) throws(BatchInputError) -> (RecordReader, UInt8) {
        var scored: [(known: Int, cells: Int, order: Int, delimiter: UInt8)] = []
        var firstError: BatchInputError?
        for (order, delimiter) in Self.delimiters.enumerated() {
            do {
                let reader = try RecordReader(
                    path: textPath, format: .csv, file: file, sheet: nil, delimiter: delimiter, readsSpool: false,
                    maximumRecordBytes: maximumRecordBytes, bufferSize: 64 << 10)
                let known = reader.header.count { RecordColumn.column(titled: $0, in: list.columns) != nil }
                scored.append((known, reader.header.count, order, delimiter))
            } catch .unreadableHeader(_, let message) {
                if firstError == nil { firstError = .unreadableHeader(path: path, message: message) }
            }
        }
        // Best first; among equals, in the order of `delimiters`, so that the message is always the same.
        scored.sort { ($0.known, $0.cells, $1.order) > ($1.known, $1.cells, $0.order) }
        guard let best = scored.first else { throw firstError ?? .noHeaderRow(path: path, message: "no header line") }
        // One cell whichever delimiter: none occurs in line 1, and any reads the file alike.
        if scored.count > 1, best.cells > 1, scored[1].known == best.known, scored[1].cells == best.cells {
            throw .noHeaderRow(
                path: path,
                message: "cannot tell the delimiter from line 1: \(Self.spell(best.delimiter)) and "
                    + "\(Self.spell(scored[1].delimiter)) split it alike (\(best.cells) cells, \(best.known) known titles)")
        }
        let reader = try RecordReader(
            path: textPath, format: .csv, file: file, sheet: nil, delimiter: best.delimiter, readsSpool: false,
            maximumRecordBytes: maximumRecordBytes, bufferSize: 1 << 20)
        return (reader, best.delimiter)
    }

    /// The first pass: the locale from the number columns' cells (unless given), and the
    /// UTF-8 check of a file read as UTF-8.
    private func readLocale(
        _ reader: RecordReader, columns: [SpoolColumn], delimiter: UInt8
    ) throws(BatchInputError) -> (NumberLocale, String) {
        if let locale { return (locale, "numbers read as locale \(locale.rawValue) (--locale)") }
        let numberColumns = columns.indices.filter { columns[$0].kind == .number }
        var detector = NumberLocaleDetector()
        while try reader.advance() {
            if reader.currentHasInvalidUTF8 { throw .notUTF8(path: path, line: reader.currentLine) }
            for column in numberColumns where column < reader.currentCellCount {
                if let text = reader.currentCell(column) { detector.note(text) }
            }
            if detector.isMixed { break }
        }
        try reader.seek(to: reader.firstOffset, line: reader.firstLine)
        let fallback: NumberLocale = delimiter == UInt8(ascii: ";") ? .vi : .en
        return try detector.decision(path: path, fallback: fallback, fallbackReason: "delimiter \(Self.spell(delimiter))")
    }

    /// The second pass: each record on its line of the spool, but a row
    /// `SpoolColumn.isStrayRow` finds no record; returns how many were left out.
    private func writeSpool(
        _ reader: RecordReader, columns: [SpoolColumn], locale: NumberLocale, to spool: SpoolFile
    ) throws(BatchInputError) -> Int {
        let knownFields = Set(columns.filter(\.isKnown).map(\.name))
        var skipped = 0
        let writer = SpoolWriter(spool: spool, naming: path, maximumRecordBytes: maximumRecordBytes)
        var members: [(key: String, value: JSONValue)] = []
        while try reader.advance() {
            if reader.currentHasInvalidUTF8 { throw .notUTF8(path: path, line: reader.currentLine) }
            members.removeAll(keepingCapacity: true)
            // A column without a title is left out, as a workbook's cells outside its header are.
            for column in 0..<min(columns.count, reader.currentCellCount) where !columns[column].name.isEmpty {
                guard let text = reader.currentCell(column) else { continue }
                members.append((columns[column].name, columns[column].value(ofText: text, locale: locale)))
            }
            var error = reader.currentError
            if let column = error?.column, column <= columns.count { error?.field = columns[column - 1].name }
            if error == nil, SpoolColumn.isStrayRow(members, keyField: list.keyField, knownFields: knownFields) {
                skipped += 1
                continue
            }
            try writer.append(line: reader.currentLine, members: members, error: error)
        }
        try writer.flush()
        return skipped
    }

    static func spell(_ delimiter: UInt8) -> String {
        delimiter == UInt8(ascii: "\t") ? "tab" : "'\(Character(Unicode.Scalar(delimiter)))'"
    }
}
