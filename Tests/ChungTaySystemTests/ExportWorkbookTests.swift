import Foundation
import Testing

extension SystemTests {
    /// `batch export --format xlsx` of a batch with broken records writes workbooks that
    /// openpyxl opens and that hold exactly the rows of `--format csv` of the same batch,
    /// field by field and typed (money `#,##0`, dates, codes as text), under RecordColumn's
    /// titles with the header frozen, where docs/BATCH.md "Export" says; the JSON files are
    /// the same; the workbooks are owner-only like the CSVs; without `--format`, an export
    /// whose output is not a terminal writes CSV, and says so.
    @Test func exportedWorkbooksHoldTheRowsOfTheCSVExport() throws {
        let sandbox = try Sandbox("exportbooks")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 400, seed: 41, badRate: 0.05)
        let dispatcher = try sandbox.startDispatcher()
        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        let submitted = try sandbox.cli([
            "batch", "submit", "--households", input.appendingPathComponent("households.csv").path,
            "--loans", input.appendingPathComponent("loans.csv").path, "--as-of", "2026-11-27", "--name", "export",
            "--wait", "--connect", dispatcher.clientEndpoint,
        ], timeout: .seconds(180))
        #expect(submitted.status == 0, "\(submitted)")
        let id = try #require(batchId(submitted), "\(submitted)")
        // notifications.csv shows each recipient's delivery state: both exports must see the same.
        try sandbox.waitUntilNotificationsFollowed(batch: id)

        func export(_ directory: String, _ format: [String]) throws -> (CommandResult, URL) {
            let out = sandbox.root.appendingPathComponent(directory)
            let exported = try sandbox.cli(["batch", "export", id, "--out", out.path, "--connect", dispatcher.clientEndpoint] + format)
            #expect(exported.status == 0, "\(exported)")
            return (exported, out)
        }
        // Directories named without the format, so that the last line must say it.
        let (csvRun, csvOut) = try export("out-1", ["--format", "csv"])
        let (xlsxRun, xlsxOut) = try export("out-2", ["--format", "xlsx"])
        let (defaultRun, defaultOut) = try export("out-3", [])
        #expect(xlsxRun.lines.last?.contains("xlsx") == true, "\(xlsxRun)")
        #expect(csvRun.lines.last?.contains("csv") == true, "\(csvRun)")
        #expect(defaultRun.lines.last?.contains("csv") == true && defaultRun.lines.last?.contains("xlsx") == false, "\(defaultRun)")
        #expect(FileManager.default.fileExists(atPath: defaultOut.appendingPathComponent("notifications.csv").path), "\(defaultRun)")
        #expect(!FileManager.default.fileExists(atPath: defaultOut.appendingPathComponent("notifications.xlsx").path), "\(defaultRun)")

        let compared = try OfficeLists.run(sandbox, [
            "export-rows", try OfficeLists.columnsFile(in: sandbox).path, csvOut.path, xlsxOut.path,
        ])
        let report = try JSON.object(compared.trimmingCharacters(in: .whitespacesAndNewlines))
        let differences = report["differences"] as? [String] ?? ["no report"]
        #expect(differences.isEmpty, "the workbooks differ from the CSVs:\n\(differences.joined(separator: "\n"))")
        let reviews = sandbox.batchDocuments("household.review", batch: id).count
        let statuses = sandbox.batchDocuments("loan.status", batch: id).count
        let notifications = sandbox.batchDocuments("notify.emit", batch: id).count
        #expect(reviews == 400)
        // Households, loans and notifications once each in the commune sheets and Thông báo, plus the group lists' rows.
        #expect((report["rows"] as? Int ?? 0) > reviews + statuses + notifications, "\(compared)")
        let cells = report["cells"] as? [String: Int] ?? [:]
        for type in ["money", "number", "date", "text"] { #expect((cells[type] ?? 0) > 0, "no \(type) cell compared: \(compared)") }
        let groupLists = try FileManager.default.contentsOfDirectory(atPath: csvOut.appendingPathComponent("savings-groups").path)
            .filter { $0.hasSuffix(".csv") }.count
        let communeDirectories = try FileManager.default.contentsOfDirectory(atPath: csvOut.appendingPathComponent("communes").path).count
        #expect(report["workbooks"] as? Int == groupLists + communeDirectories + 1, "\(compared)")

        let files = FileManager.default.enumerator(at: xlsxOut, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        let workbooks = files.filter { $0.pathExtension == "xlsx" }
        #expect(workbooks.count == groupLists + communeDirectories + 1)
        for workbook in workbooks {
            let mode = (try FileManager.default.attributesOfItem(atPath: workbook.path)[.posixPermissions] as? Int).map { $0 & 0o777 }
            #expect(mode == 0o600, "\(workbook.lastPathComponent) has mode \(String(mode ?? 0, radix: 8))")
        }
    }
}
