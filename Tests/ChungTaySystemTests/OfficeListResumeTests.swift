import ChungTayCoding
import Foundation
import Testing

extension SystemTests {
    /// A batch's identity includes the reading chosen for an office file: one workbook with
    /// two household sheets, submitted twice without `--name`, once with `--sheet A` and
    /// once with `--sheet B`, gives two batches (two default names), each reviewing its own
    /// sheet's households; it does not show the first sheet's batch again. A machine CSV's
    /// default name is unchanged by the reading (it has none): submitting it twice resumes
    /// the same batch.
    @Test func anotherSheetOfTheSameWorkbookIsAnotherBatch() throws {
        let sandbox = try Sandbox("officeresume")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 24, seed: 41, badRate: 0)
        let households = input.appendingPathComponent("households.csv")
        let columns = try OfficeLists.columnsFile(in: sandbox)

        // The first 12 households on sheet A and the other 12 on sheet B, headed by the
        // Vietnamese titles and typed as `office_lists.py workbook` types them.
        let script = sandbox.root.appendingPathComponent("two_sheets.py")
        try Data("""
            import sys
            sys.path.insert(0, sys.argv[1])
            import office_lists as o
            from openpyxl import Workbook
            columns = o.load_columns(sys.argv[2])
            header, rows = o.read_list(sys.argv[3])
            kinds = o.kinds(header, columns, "households")
            book = Workbook(write_only=True)
            half = len(rows) // 2
            for name, part in (("A", rows[:half]), ("B", rows[half:])):
                sheet = book.create_sheet(name)
                sheet.append(o.titles(header, columns, "households"))
                for row in part:
                    sheet.append([None if text == "" else o.typed(text, kind) for text, kind in zip(row, kinds)])
            book.save(sys.argv[4])

            """.utf8).write(to: script)
        let workbook = sandbox.root.appendingPathComponent("district.xlsx")
        let child = try sandbox.spawnTool("python-two-sheets", OfficeLists.python.path,
                                          [script.path, OfficeLists.directory.path, columns.path, households.path, workbook.path])
        guard child.waitForExit(timeout: .seconds(120)) else {
            child.stop()
            throw HarnessError("two_sheets.py did not finish")
        }
        #expect(child.exitStatus == 0, "\(child.exitDescription)\n\(child.stdout)\n\(child.stderr)")

        // CRLF is one Character, hence `isNewline`, not "\n".
        let lines = try String(contentsOf: households, encoding: .utf8).split(whereSeparator: \.isNewline)
        let codes = lines.dropFirst().compactMap { $0.split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) }
        let header = lines.first.map(String.init) ?? ""
        try #require(header.hasPrefix("householdCode,"), "the demo list's first column: \(header)")
        #expect(codes.count == 24)
        let sheetCodes = ["A": Set(codes.prefix(12)), "B": Set(codes.dropFirst(12))]

        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint, kinds: pipelineKinds)
        func submit(_ file: URL, _ extra: [String]) throws -> (CommandResult, String) {
            let submitted = try sandbox.cli([
                "batch", "submit", "--households", file.path, "--as-of", "2026-11-27", "--wait", "--connect", dispatcher.clientEndpoint,
            ] + extra, timeout: .seconds(180))
            #expect(submitted.status == 0, "\(submitted)")
            return (submitted, try #require(batchId(submitted), "\(submitted)"))
        }
        var ids: [String: String] = [:]
        for sheet in ["A", "B"] {
            let (submitted, id) = try submit(workbook, ["--sheet", sheet])
            #expect(submitted.stderr.contains(#"district.xlsx: sheet "\#(sheet)""#), "\(submitted)")
            ids[sheet] = id
        }
        #expect(ids["A"] != ids["B"], "sheet B was not reviewed as its own batch: \(ids)")
        for (sheet, id) in ids {
            let reviewed = Set(sandbox.batchDocuments("household.review", batch: id).compactMap { $0["householdCode"] as? String })
            #expect(reviewed == sheetCodes[sheet], "batch \(id) of sheet \(sheet) reviewed \(reviewed.sorted())")
        }
        // The same sheet again is the same batch, as before (named case-insensitively, the sheet chosen is the same).
        let (_, again) = try submit(workbook, ["--sheet", "a"])
        #expect(again == ids["A"])
        // A machine CSV's identity is its file alone: a second run is the first run's batch.
        let (_, first) = try submit(households, [])
        let (_, second) = try submit(households, [])
        #expect(first == second && !ids.values.contains(first))
    }
}
