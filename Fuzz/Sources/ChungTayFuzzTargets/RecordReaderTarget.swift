import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import Foundation

/// `record-reader`: a batch input file read by `RecordReader` (CSV scanner, record
/// cursor, byte window). The first input byte chooses the format (bit 0: CSV or JSON
/// Lines) and the read buffer (64 << bits 1–3 bytes, so records straddle refills); the
/// second the record limit (16 + 8 × byte); the rest is the file.
///
/// Properties: records come in file order (offsets and lines rising); each record read
/// again by its offset is the same record; the item written for it straight from the
/// buffer (as batch payloads are) is strict JSON whose line and record are the record's.
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
        guard let reader = try? RecordReader(path: path, maximumRecordBytes: maximumRecordBytes, bufferSize: bufferSize) else { return }
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
        try check(item["record"] == .object(record.record), "the item of the record at \(record.offset) has other fields than the record")
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
        return seeds.seeds
    }
}
