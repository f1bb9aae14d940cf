import ChungTayCoding

/// Where a batch record came from: every document of a batch carries it as `source`
/// (docs/BATCH.md), so an officer can go from a flag or a notification back to the
/// line of the input file.
struct ItemSource: Sendable, Equatable {
    let file: String
    /// The workbook sheet, for a record read from one; nil for a text file.
    let sheet: String?
    /// 1-based; a sheet's row number.
    let line: Int

    /// Read tolerantly from a notice in a stage payload; nil when it is not
    /// `{"file": "…", ("sheet": "…",) "line": N}`.
    init?(_ value: JSONValue?) {
        guard case .object(let object)? = value, case .string(let file)? = object["file"],
            case .number(let number)? = object["line"], let line = number.integerValue
        else { return nil }
        var sheet: String?
        if case .string(let name)? = object["sheet"] { sheet = name }
        self.init(file: file, sheet: sheet, line: line)
    }

    init(file: String, sheet: String? = nil, line: Int) {
        self.file = file
        self.sheet = sheet
        self.line = line
    }

    /// `{"file", "line"}`, or `{"file", "sheet", "line"}` for a sheet's row.
    func write(to writer: inout JSONWriter) {
        writer.openObject()
        writer.key("file")
        writer.string(file)
        if let sheet {
            writer.key("sheet")
            writer.string(sheet)
        }
        writer.key("line")
        writer.integer(line)
        writer.closeObject()
    }

    /// A one-line document (an object with members) with `"source"` added as its last
    /// member, null when unknown. Splicing the finished bytes spares each document type
    /// an encoder of its own for batches.
    static func append(_ source: ItemSource?, to document: consuming [UInt8]) -> [UInt8] {
        precondition(document.count > 2 && document.last == UInt8(ascii: "}"), "a document is a JSON object with members")
        // `,"source":…}` in place of the document's closing brace, in the room
        // `JSONWriter.finish` leaves.
        var spliced = document
        spliced.removeLast()
        spliced.append(UInt8(ascii: ","))
        var writer = JSONWriter(capacity: 64)
        writer.key("source")
        if let source { source.write(to: &writer) } else { writer.null() }
        writer.finish(appendingTo: &spliced)
        spliced.append(UInt8(ascii: "}"))
        return spliced
    }
}
