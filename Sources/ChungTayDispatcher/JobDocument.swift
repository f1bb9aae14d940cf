import ChungTayStore
import ChungTayWire

/// The JSON a client sees for one job: `{"id","kind","state","attempts","error","result"}`,
/// with `"resultOmitted":true` before `result` when the reply had no room for the result.
///
/// `result` comes last so a client can take its bytes verbatim: outside string values
/// (where quotes are escaped) the sequence `,"result":` occurs only once.
/// `result` is the stored document itself (or the array of documents for a kind whose
/// handler returns a list), copied byte for byte from the store: the dispatcher never
/// re-encodes what a worker produced.
enum JobDocument {
    /// Bytes of error text `make` writes for `record`, before JSON escaping.
    static func errorSize(_ record: JobRecord) -> Int {
        [record.errorCode, record.errorMessage].reduce(0) { $0 + min($1?.utf8.count ?? 0, TaskFailure.maxMessageBytes) }
    }

    static func make(_ record: JobRecord, state: String, result: [UInt8]?, resultOmitted: Bool = false) -> [UInt8] {
        var json: [UInt8] = Array(#"{"id":""#.utf8)
        json.append(contentsOf: String(record.id).utf8)
        json.append(contentsOf: #"","kind":"#.utf8)
        JSONText.appendString(record.kind, to: &json)
        json.append(contentsOf: #","state":"#.utf8)
        JSONText.appendString(state, to: &json)
        json.append(contentsOf: #","attempts":"#.utf8)
        json.append(contentsOf: String(record.attempts).utf8)
        json.append(contentsOf: #","error":"#.utf8)
        if let code = record.errorCode {
            json.append(contentsOf: #"{"code":"#.utf8)
            // Shortened as FAIL is since then, so rows stored before stay small in replies too.
            JSONText.appendString(TaskFailure.shortened(code), to: &json)
            json.append(contentsOf: #","message":"#.utf8)
            JSONText.appendString(TaskFailure.shortened(record.errorMessage ?? ""), to: &json)
            json.append(UInt8(ascii: "}"))
        } else {
            json.append(contentsOf: "null".utf8)
        }
        if resultOmitted { json.append(contentsOf: #","resultOmitted":true"#.utf8) }
        json.append(contentsOf: #","result":"#.utf8)
        if let result {
            json.append(contentsOf: resultValue(result, isList: record.resultIsList))
        } else {
            json.append(contentsOf: "null".utf8)
        }
        json.append(UInt8(ascii: "}"))
        return json
    }

    /// Stored lines (each ending in a newline) as one JSON value.
    static func resultValue(_ lines: [UInt8], isList: Bool) -> [UInt8] {
        let documents = lines.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard isList else { return Array(documents.first ?? []) }
        var array: [UInt8] = [UInt8(ascii: "[")]
        for (index, document) in documents.enumerated() {
            if index > 0 { array.append(UInt8(ascii: ",")) }
            array.append(contentsOf: document)
        }
        array.append(UInt8(ascii: "]"))
        return array
    }
}
