import GRDB

/// The journal's rows checked against the types the dispatcher reads them as, before
/// anything reads them: a value of the wrong type (a REAL where an integer belongs, left
/// by an overflowing addition or a hand edit) would otherwise stop the reading process
/// with a trap, and with it every later start.
extension JobJournal {
    /// Per table, each column's allowed SQLite storage classes (`typeof`).
    private static let columnTypes: [(table: String, columns: [(String, [String])])] = [
        ("segment", [("file", ["text"]), ("committed", ["integer"])]),
        ("kind", [("name", ["text"])]),
        ("job", [
            ("kind", ["text"]), ("priority", ["integer"]), ("idempotency_key", ["null", "text"]), ("payload", ["blob", "text"]),
            ("state", ["integer"]), ("attempts", ["integer"]), ("not_before", ["integer"]), ("submitted_at", ["integer"]),
            ("finished_at", ["null", "integer"]), ("error_code", ["null", "text"]), ("error_message", ["null", "text"]),
            ("result_file", ["null", "text"]), ("result_offset", ["null", "integer"]), ("result_length", ["null", "integer"]),
            ("result_list", ["integer"]), ("batch_id", ["null", "text"]), ("payload_file", ["null", "text"]),
            ("payload_offset", ["null", "integer"]), ("payload_length", ["null", "integer"]),
        ]),
        ("batch", [
            ("seq", ["integer"]), ("id", ["text"]), ("name", ["text"]), ("as_of", ["text"]), ("what_if", ["integer"]),
            ("submitted_by", ["text"]), ("inputs", ["text"]), ("created_at", ["integer"]), ("sealed_at", ["null", "integer"]),
            ("household_chunks", ["null", "integer"]), ("loan_chunks", ["null", "integer"]), ("input_errors", ["null", "integer"]),
            ("completed_at", ["null", "integer"]), ("summary_file", ["null", "text"]), ("summary_offset", ["null", "integer"]),
            ("summary_length", ["null", "integer"]),
        ]),
        ("batch_counter", [("batch_seq", ["integer"]), ("name", ["text"]), ("value", ["integer"])]),
        ("batch_worker", [("batch_seq", ["integer"]), ("worker", ["text"])]),
    ]

    /// Rows holding a value of a type the dispatcher cannot read, up to `limit` per table.
    /// A location's file, offset and length must also come together.
    func unreadableRows(limit: Int = 20) throws(StoreError) -> [DataProblem] {
        try read("row types") { db in
            var problems: [DataProblem] = []
            for (table, columns) in Self.columnTypes {
                var cases = columns.map { column, types in
                    "WHEN typeof(\(column)) NOT IN (\(types.map { "'\($0)'" }.joined(separator: ","))) THEN '\(column) is ' || typeof(\(column))"
                }
                for location in ["result", "payload", "summary"] where columns.contains(where: { $0.0 == location + "_file" }) {
                    cases.append("WHEN (\(location)_file IS NULL) != (\(location)_offset IS NULL) OR (\(location)_file IS NULL) != (\(location)_length IS NULL) THEN '\(location)_file, _offset and _length are not all set or all null'")
                }
                // The two WITHOUT ROWID tables are named by their primary key.
                let key = table.hasPrefix("batch_") ? "'key ' || quote(batch_seq) || ',' || quote(\(columns[1].0))" : "'rowid ' || rowid"
                let sql = """
                    SELECT row, problem FROM (SELECT \(key) AS row, CASE \(cases.joined(separator: " ")) END AS problem FROM \(table))
                    WHERE problem IS NOT NULL LIMIT \(limit)
                    """
                for row in try Row.fetchAll(db, sql: sql) {
                    let name: String = row[0]
                    let problem: String = row[1]
                    problems.append(DataProblem(file: "journal.sqlite", code: .unreadableRow, message: "table \(table), \(name): \(problem)"))
                }
            }
            return problems
        }
    }
}
