import ChungTayCoding
import ChungTayRules
import ChungTayWire
import Foundation
import Testing

/// docs/BATCH.md: items of a workbook's sheet carry `sheet`, which documents' `source`
/// keeps and which an unreadable row's flag names as a cell.
@Suite("Batch items from a sheet")
struct SheetItemTests {
    static func sheetItem(_ record: [String: Any], row: Int, extra: [String: Any] = [:]) -> [String: Any] {
        var item: [String: Any] = ["file": "ds.xlsx", "sheet": "Danh sách hộ", "line": row, "record": record]
        for (key, value) in extra { item[key] = value }
        return item
    }

    @Test func sourceNamesTheSheetBetweenFileAndLine() throws {
        let output = try BatchStageTests.run(
            "household.review",
            ["batch": BatchStageTests.batch, "households": [Self.sheetItem(BatchStageTests.household("TL-1", citizenId: "060123456789"), row: 4)]])
        let document = try #require(output.documents.first)
        let text = String(decoding: document, as: UTF8.self)
        #expect(text.hasSuffix(#","source":{"file":"ds.xlsx","sheet":"Danh sách hộ","line":4}}"#))
        // The follow-up's review notice carries the same source on to the notifications.
        let followUp = try #require(output.followUp)
        let payload = String(decoding: followUp.payload, as: UTF8.self)
        #expect(payload.contains(#",{"file":"ds.xlsx","sheet":"Danh sách hộ","line":4}]]}"#))
    }

    @Test func anUnreadableRowNamesItsCell() throws {
        let output = try BatchStageTests.run(
            "household.review",
            [
                "batch": BatchStageTests.batch,
                "households": [
                    Self.sheetItem(
                        ["householdCode": "TL-7"], row: 17,
                        extra: ["inputError": ["column": 4, "field": "citizenId", "message": "error value #N/A in the cell"]]),
                    BatchStageTests.item(
                        ["householdCode": "TL-8"], line: 17, extra: ["inputError": ["column": 4, "message": "row has 3 cells, the header 4"]]),
                ],
            ])
        let documents = try BatchStageTests.documents(output)
        let flag = try #require(BatchStageTests.flags(documents[0]).last)
        #expect(flag["code"] as? String == "record_unreadable")
        #expect(flag["field"] as? String == "citizenId")
        #expect(flag["message_en"] as? String == "The record at cell ds.xlsx:Danh sách hộ!D17 could not be read (error value #N/A in the cell).")
        #expect(flag["message_vi"] as? String == "Không đọc được bản ghi ở ô ds.xlsx:Danh sách hộ!D17 (error value #N/A in the cell).")
        // A text file's row is named by line and column, as before.
        let textFlag = try #require(BatchStageTests.flags(documents[1]).last)
        #expect(textFlag["message_en"] as? String == "The record at households.csv, line 17, column 4 could not be read (row has 3 cells, the header 4).")
    }

    @Test func notificationsKeepTheSheetOfTheirSource() throws {
        let household = BatchStageTests.household("TL-1", citizenId: "060123456789", ["members": "bốn"])
        let stageA = try BatchStageTests.run(
            "household.review", ["batch": BatchStageTests.batch, "households": [Self.sheetItem(household, row: 9)]])
        let stageB = try BatchStageTests.run("loan.status", try #require(stageA.followUp).payload)
        let stageC = try BatchStageTests.run("notify.emit", try #require(stageB.followUp).payload)
        let documents = try BatchStageTests.documents(stageC)
        let correction = try #require(documents.first { $0["type"] as? String == "data_correction" })
        let source = try #require(correction["source"] as? [String: Any])
        #expect(source["sheet"] as? String == "Danh sách hộ")
        #expect(source["line"] as? Int == 9)
    }

    @Test(arguments: [
        #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"ds.xlsx","sheet":"","line":2,"record":{}}]}"#,
        #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"ds.xlsx","sheet":3,"line":2,"record":{}}]}"#,
        #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"ds.xlsx","sheet":null,"line":2,"record":{}}]}"#,
        "{\"batch\":{\"asOf\":\"2026-03-01\"},\"households\":[{\"file\":\"ds.xlsx\",\"sheet\":\"\(String(repeating: "x", count: 256))\",\"line\":2,\"record\":{}}]}",
    ])
    func aSheetThatIsNotANameIsRejected(_ payload: String) {
        var rejection: TaskRejection?
        do {
            _ = try BatchStage.run(kind: "household.review", payload: Array(payload.utf8), rules: Fixture.rules)
        } catch {
            rejection = error
        }
        #expect(rejection?.code == "payload_invalid")
    }
}
