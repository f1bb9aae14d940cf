import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import Foundation

/// A temporary directory for one test's input files, removed when the test ends.
final class TestFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chungtay-batch-input-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` (UTF-8) to `name`; returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}

/// Every record of a file.
func readAll(_ path: String, maximumRecordBytes: Int = 1 << 20, bufferSize: Int = 1 << 20) throws -> [InputRecord] {
    let reader = try RecordReader(path: path, maximumRecordBytes: maximumRecordBytes, bufferSize: bufferSize)
    var records: [InputRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

extension JSONObject {
    /// Members as `key=value` text for compact comparisons.
    var summary: [String] {
        members.map { member in
            switch member.value {
            case .string(let text): return "\(member.key)=\(text)"
            case .number(let number): return "\(member.key)=\(number)"
            default: return "\(member.key)=\(member.value)"
            }
        }
    }
}

/// A chunk's payload parsed back, with its item lists (a table's rows as the items they
/// stand for, docs/BATCH.md "Tables").
struct ParsedChunk {
    let batch: JSONObject
    let households: [JSONObject]?
    let loans: [JSONObject]
    let reviews: [JSONValue]?
    let keys: [String]

    init(_ payload: [UInt8]) throws {
        guard case .object(let object) = try JSONValue(parsing: payload) else { throw ParseFailure() }
        keys = object.members.map(\.key)
        guard case .object(let batch)? = object["batch"] else { throw ParseFailure() }
        self.batch = batch
        func items(_ name: String) throws -> [JSONObject]? {
            guard let value = object[name] else { return nil }
            if case .object(let table) = value { return try Self.items(of: table) }
            guard case .array(let elements) = value else { throw ParseFailure() }
            return try elements.map { element in
                guard case .object(let item) = element else { throw ParseFailure() }
                return item
            }
        }
        households = try items("households")
        loans = try items("loans") ?? []
        if case .array(let reviews)? = object["reviews"] { self.reviews = reviews } else { reviews = nil }
    }

    /// Each row as `{"file","line","record",…}`: its non-null cells as the record's members
    /// under their fields' names, in order.
    static func items(of table: JSONObject) throws -> [JSONObject] {
        guard case .string(let file)? = table["file"], case .array(let names)? = table["fields"],
            case .array(let rows)? = table["items"]
        else { throw ParseFailure() }
        let fields = try names.map { name in
            guard case .string(let field) = name else { throw ParseFailure() }
            return field
        }
        return try rows.map { row in
            guard case .object(let members) = row, case .array(let cells)? = members["cells"], cells.count <= fields.count,
                cells.last != .null
            else { throw ParseFailure() }
            let record = zip(fields, cells).filter { $0.1 != .null }.map { JSONObject.Member(key: $0.0, value: $0.1) }
            var item = [JSONObject.Member(key: "file", value: .string(file))]
            for member in members.members {
                item.append(member.key == "cells" ? JSONObject.Member(key: "record", value: .object(JSONObject(record))) : member)
            }
            return JSONObject(item)
        }
    }

    struct ParseFailure: Error {}
}

extension JSONObject {
    func string(_ key: String) -> String? {
        if case .string(let text)? = self[key] { return text }
        return nil
    }

    func integer(_ key: String) -> Int? {
        if case .number(let number)? = self[key] { return number.integerValue }
        return nil
    }

    func object(_ key: String) -> JSONObject? {
        self[key]?.objectValue
    }

    func strings(_ key: String) -> [String]? {
        guard case .array(let elements)? = self[key] else { return nil }
        return elements.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
    }
}
