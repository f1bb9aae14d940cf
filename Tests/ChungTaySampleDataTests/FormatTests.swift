import Foundation
import Testing

/// The CSV and JSON Lines files are two renderings of one list; a tool reading either
/// must see the same records, in Unicode NFC as the rules store text.
@Suite struct FormatTests {
    @Test func csvAndJSONLinesAgree() throws {
        let files = try GeneratedFiles(households: 800, seed: 11)
        defer { files.remove() }
        for (csvName, jsonName) in [("households.csv", "households.jsonl"), ("loans.csv", "loans.jsonl")] {
            let rows = CSV.rows(try files.text(csvName))
            let records = try files.jsonLines(jsonName)
            let header = rows[0]
            #expect(rows.count == records.count + 1)
            for (row, record) in zip(rows.dropFirst(), records) {
                #expect(row.count == header.count)
                for (column, cell) in zip(header, row) {
                    #expect(cell == Self.csvText(record[column], column: column), "\(csvName) \(column): \(cell) vs \(String(describing: record[column]))")
                }
                #expect(Set(record.keys).subtracting(header).isSubset(of: ["termAdjustments"]))
            }
        }
    }

    @Test func textIsNFC() throws {
        let files = try GeneratedFiles(households: 1000, seed: 3, badRate: 0.1)
        defer { files.remove() }
        for name in ["households.csv", "households.jsonl", "loans.csv", "loans.jsonl"] {
            let text = try files.text(name)
            #expect(text == text.precomposedStringWithCanonicalMapping, "\(name) is not NFC")
        }
        let households = try files.text("households.jsonl")
        #expect(households.contains("Nguyễn"))
        #expect(households.contains("K' "))
        for commune in ["Tánh Linh", "Lạc Tánh", "Suối Kiết", "Gia Huynh", "Nghị Đức", "Đức Phú", "Bắc Ruộng", "Măng Tố", "Đồng Kho", "La Ngâu"] {
            #expect(households.contains("\"commune\":\"\(commune)\""), "\(commune)")
        }
    }

    private static let booleanColumns: Set<String> = [
        "safeWater", "hygienicLatrine", "telecomUse", "informationDevices", "ethnicMinority",
        "especiallyDifficultArea", "misusedFunds",
    ]

    /// What the CSV cell should hold for a JSON value: absent is an empty cell. Foundation
    /// reads JSON booleans as numbers, so the column says which are booleans.
    private static func csvText(_ value: Any?, column: String) -> String {
        switch value {
        case nil: return ""
        case let number as NSNumber where booleanColumns.contains(column): return number.boolValue ? "true" : "false"
        case let number as NSNumber: return number.stringValue
        case let text as String: return text
        default: return "?"
        }
    }
}
