import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import Foundation

/// `record-reader`: a batch input file read by `RecordReader` (CSV scanner, record
/// cursor, byte window). The first input byte chooses the format (bit 0: CSV or JSON
/// Lines), the read buffer (64 << bits 1–3 bytes, so records straddle refills) and, for
/// JSON Lines, whether the file is read as an office list's spool (bit 4; bit 5: of a
/// workbook sheet), whose last member `"\u0000"` is the record's input error; the second
/// byte the record limit (16 + 8 × byte); the rest is the file.
///
/// Properties: records come in file order (offsets and lines rising); each record read
/// again by its offset is the same record; the item written for it straight from the
/// buffer (as batch payloads are) is strict JSON whose file, sheet, line, record and
/// input error are the record's, or for CSV the table row whose line, cells (under the
/// header's names, null ones left out) and input error are.
enum RecordReaderTarget {
    static let target = FuzzTarget(name: "record-reader", run: run, seeds: seeds)

    /// One file per process, rewritten for each input.
    private static let directory: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/chungtay-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard input.count >= 2 else { return }
        let csv = input[0] & 1 == 0
        let path = directory + (csv ? "/input.csv" : "/input.jsonl")
        guard FileManager.default.createFile(atPath: path, contents: Data(input.dropFirst(2))) else { return }
        let bufferSize = 64 << Int((input[0] >> 1) & 7)
        let maximumRecordBytes = 16 + 8 * Int(input[1])
        let source = !csv && input[0] & 16 != 0
            ? ListSource(spool: path, file: "ds.xlsx", sheet: input[0] & 32 != 0 ? "Danh sách hộ" : nil) : ListSource(path: path)
        guard let reader = try? RecordReader(source: source, maximumRecordBytes: maximumRecordBytes, bufferSize: bufferSize)
        else { return }
        var previous: InputRecord?
        while true {
            let record: InputRecord?
            do throws(BatchInputError) {
                record = try reader.next()
            } catch {
                throw FuzzFailure("reading a file that does not change failed: \(error)")
            }
            guard let record else { break }
            if let previous {
                try check(record.offset > previous.offset && record.line > previous.line, "record at \(record.offset) does not follow the one at \(previous.offset)")
            }
            try check((try? reader.record(at: record.offset, line: record.line)) == record, "the record at \(record.offset) reads back different")
            try checkItem(of: record, reader: reader)
            previous = record
        }
    }

    private static func checkItem(of record: InputRecord, reader: RecordReader) throws(FuzzFailure) {
        var writer = JSONWriter(capacity: 256)
        do throws(BatchInputError) {
            try reader.writeItem(at: record.offset, line: record.line, into: &writer, listFlags: [])
        } catch {
            throw FuzzFailure("the record at \(record.offset) cannot be written as an item: \(error)")
        }
        let bytes = writer.finish()
        guard case .object(let item)? = try? JSONValue(parsing: bytes) else {
            throw FuzzFailure("the item of the record at \(record.offset) is not a JSON object: \(String(decoding: bytes, as: UTF8.self))")
        }
        try check(item["line"] == JSONValue(integerLiteral: record.line), "the item of the record at \(record.offset) has another line")
        try check((item["inputError"] != nil) == (record.inputError != nil), "the item of the record at \(record.offset) has another input error")
        guard reader.format == .csv else {
            try check(item["file"] == .string(record.file), "the item of the record at \(record.offset) names another file")
            try check(item["sheet"] == record.sheet.map(JSONValue.string), "the item of the record at \(record.offset) names another sheet")
            try check(item["record"] == .object(record.record), "the item of the record at \(record.offset) has other fields than the record")
            return
        }
        // A table row (docs/BATCH.md "Tables"): its non-null cells under the header's names are the record.
        guard case .array(let cells)? = item["cells"], cells.count <= reader.header.count, cells.last != .null else {
            throw FuzzFailure("the row of the record at \(record.offset) lacks its cells, or ends in a null one")
        }
        let members = zip(reader.header, cells).filter { $0.1 != .null }.map { JSONObject.Member(key: $0.0, value: $0.1) }
        try check(JSONObject(members) == record.record, "the row of the record at \(record.offset) has other fields than the record")
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let csv = """
            householdCode,headName,members,note
            TL-1,Nguyễn Văn An,4,plain
            "TL-2","Trần ""Bé"" Thị",3,"two
            lines"
            TL-3,,0,
            TL-4,"bad"quote,1,x
            TL-5,a"b,2,"never closed
            TL-6,x,1,y

            TL-7,e\u{301},1
            TL-8,too,many,cells,here\r
            """
        let jsonLines = """
            {"householdCode":"TL-1","members":4,"income":1.5e6}
            {"householdCode":"TL-2","nested":{"a":[1,2,{"b":null}]}}

            not json
            [1,2]
            {"householdCode":"Tánh Linh","x":"\\u00e9"}
            """
        // First byte: format bit and buffer bits (14: CSV with 8 KiB, 0: CSV with 64 bytes, 2: CSV with 128 bytes).
        for (name, mode, limit, text) in [
            ("csv", 14, 255, csv), ("csv-small-buffer", 0, 255, csv), ("csv-short-limit", 2, 2, csv),
            ("jsonl", 15, 255, jsonLines), ("jsonl-small-buffer", 1, 255, jsonLines), ("jsonl-short-limit", 3, 1, jsonLines),
        ] as [(String, UInt8, UInt8, String)] {
            seeds.add(name, [mode, limit] + Array(text.utf8))
        }
        seeds.add("csv-bom-crlf", [0, 255] + [0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r\n\r\n3,4".utf8))
        seeds.add("csv-invalid-utf8", [0, 255] + Array("a,b\n".utf8) + [0xC3, 0x28, 0x2C, 0x78, 0x0A])
        seeds.add("csv-bad-header", [0, 255] + Array("\"a\"x,b\n1,2\n".utf8))
        // Spools as ListPreparation writes them (bit 4; bit 5 a sheet's): blank lines keep the
        // office file's line numbers, and a last member "\u0000" carries the input error.
        let spool = "\n\n" + #"{"householdCode":"TL-1","members":4,"housingAreaM2":40.8,"listStatusSince":"2024-06-05"}"# + "\n"
            + #"{"householdCode":"TL-2","\u0000":{"column":30,"field":"phone","message":"error value #REF! in the cell"}}"# + "\n\n"
            + #"{"\u0000":{"column":1,"message":"record longer than 64 bytes once converted"}}"# + "\n"
            + #"{"householdCode":"TL-3","\u0000":"not an object"}"# + "\n"
            + #"{"\u0000":{"column":-5,"field":7},"householdCode":"TL-4"}"# + "\n"
            + #"{"householdCode":"TL-5","\u0000":{"column":1e300},"\u0000":{"column":2}}"# + "\n"
            + #"{"Ghi chú":"hai\r\ndòng","\u0000":{}}"# + "\n"
        seeds.add("spool-sheet", [1 | 14 | 16 | 32, 255] + Array(spool.utf8))
        seeds.add("spool-text", [1 | 14 | 16, 255] + Array(spool.utf8))
        seeds.add("spool-small-buffer", [1 | 16 | 32, 255] + Array(spool.utf8))
        seeds.add("spool-short-limit", [1 | 2 | 16 | 32, 6] + Array(spool.utf8))
        return seeds.seeds
    }
}
