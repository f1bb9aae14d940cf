import ChungTayRules
import Foundation
import Testing

/// `RecordColumn`: the one table of column titles that office lists are read by and
/// exports are headed with, and docs/BATCH.md's copy of it.
@Suite("Record columns")
struct RecordColumnTests {
    @Test func everyFieldHasAColumnInSchemaOrder() {
        #expect(RecordColumn.households.map(\.field) == HouseholdField.allCases.map(\.name))
        #expect(RecordColumn.loans.map(\.field) == LoanField.allCases.map(\.name))
    }

    @Test func titlesMatchWithoutCaseSpacingOrToneMarks() {
        let columns = RecordColumn.households
        #expect(RecordColumn.column(titled: "Mã hộ", in: columns)?.field == "householdCode")
        #expect(RecordColumn.column(titled: "  MÃ  HỘ: ", in: columns)?.field == "householdCode")
        #expect(RecordColumn.column(titled: "Ma ho", in: columns)?.field == "householdCode")
        #expect(RecordColumn.column(titled: "Ma\u{0303} ho\u{0323}\u{0302}", in: columns)?.field == "householdCode")
        #expect(RecordColumn.column(titled: "householdcode", in: columns)?.field == "householdCode")
        #expect(RecordColumn.column(titled: "Số CCCD*", in: columns)?.field == "citizenId")
        #expect(RecordColumn.column(titled: "Ghi chú", in: columns) == nil)
        #expect(RecordColumn.column(titled: "", in: columns) == nil)
    }

    /// No title may name two columns of one list, or a header would be read by chance.
    @Test func noTitleNamesTwoColumns() {
        for columns in [RecordColumn.households, RecordColumn.loans] {
            var seen: [String: String] = [:]
            for column in columns {
                for title in column.acceptedTitles {
                    let key = RecordColumn.comparisonKey(title)
                    #expect(seen[key] == nil || seen[key] == column.field, "\(title) names \(seen[key] ?? "") and \(column.field)")
                    seen[key] = column.field
                }
            }
        }
    }

    /// docs/BATCH.md "Column titles" is this table, rendered.
    @Test func theDocumentedTableIsRecordColumn() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/BATCH.md"), encoding: .utf8)
        for (name, columns) in [("households", RecordColumn.households), ("loans", RecordColumn.loans)] {
            let table = Self.table(columns)
            #expect(document.contains(table), "docs/BATCH.md lacks the \(name) table:\n\(table)")
        }
    }

    static func table(_ columns: [RecordColumn]) -> String {
        var lines = ["| field | title (exports write it) | also accepted |", "|---|---|---|"]
        for column in columns {
            lines.append("| `\(column.field)` | \(column.title) | \(column.aliases.joined(separator: "; ")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
