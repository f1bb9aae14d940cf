import Foundation
import Testing

/// Runs a tool of poppler-utils on a PDF and returns its standard output.
private func poppler(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/" + tool)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(tool) \(arguments)")
    return String(decoding: data, as: UTF8.self)
}

/// The rows of a query, as the `sqlite3` shell prints them.
private func sqlite(_ database: String, _ query: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-readonly", database, query]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Words `pdftotext -bbox` places in a page's bottom margin (the forms' margin is 15 mm,
/// about 42 pt; nothing is printed there). A mark Chromium paints at the foot of the
/// page before the one its letter starts (a hook or accent cut off a heading) shows up
/// here as a lone word.
private func wordsInBottomMargin(_ pdf: String) throws -> [String] {
    var height = 0.0
    var words: [String] = []
    for line in try poppler("pdftotext", ["-bbox", pdf, "-"]).split(separator: "\n") {
        let fields = line.split(separator: "\"")
        if line.contains("<page "), fields.count > 3 { height = Double(fields[3]) ?? 0 }
        if line.contains("<word "), fields.count > 4, let top = Double(fields[3]), top > height - 40 {
            words.append(String(line))
        }
    }
    return words
}

extension SystemTests {
    /// `notifications print` on a finished batch: the PDF of all group lists has one page
    /// per savings group (groups of the demo data fit a page each), page N is the Nth
    /// group's list and holds its borrowers' and candidates' codes and names, as the
    /// export's lists of the same batch name them, with nothing in the bottom margins;
    /// letters are written per office and their recipients recorded delivered; the same
    /// list under a second name prints no letter (every notification a repeat). Without
    /// Chromium the HTML is still written and the command says how to get the PDFs.
    @Test func printedGroupListsHaveOnePagePerGroupWithItsRows() throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/pdfinfo", "/usr/bin/pdftotext"] where !FileManager.default.isExecutableFile(atPath: tool) {
            print("skipped: no \(tool) (scripts/install-system-packages installs chromium and poppler-utils)")
            return
        }
        let sandbox = try Sandbox("print")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint, kinds: pipelineKinds)
        let id = try sandbox.completedBatch(households: 40, seed: 3, endpoint: dispatcher.clientEndpoint)

        let export = sandbox.root.appendingPathComponent("export")
        let exported = try sandbox.cli(["batch", "export", id, "--out", export.path, "--connect", dispatcher.clientEndpoint])
        #expect(exported.status == 0, "\(exported)")
        let groupFiles = try FileManager.default.contentsOfDirectory(atPath: export.appendingPathComponent("savings-groups").path)
            .filter { $0.hasSuffix(".json") }
        let lists = try groupFiles.map { name -> [String: Any] in
            try JSON.object(String(decoding: try Data(contentsOf: export.appendingPathComponent("savings-groups/" + name)), as: UTF8.self))
        }.sorted { ($0["savingsGroup"] as? String ?? "\u{10FFFF}") < ($1["savingsGroup"] as? String ?? "\u{10FFFF}") }
        #expect(lists.count >= 5, "the demo batch has several savings groups")

        let out = sandbox.root.appendingPathComponent("printed")
        let printed = try sandbox.cli(["notifications", "print", "--batch", id, "--out", out.path, "--connect", dispatcher.clientEndpoint],
                                      timeout: .seconds(600))
        #expect(printed.status == 0, "\(printed)")
        #expect(printed.stdout.contains("\(lists.count) savings-group lists"), "\(printed)")

        let pdf = out.appendingPathComponent("group-lists.pdf").path
        let info = try poppler("pdfinfo", [pdf])
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
        #expect(pages == lists.count, "one page per group: \(info)")
        for (index, list) in lists.enumerated() {
            let page = String(index + 1)
            let layout = try poppler("pdftotext", ["-layout", "-f", page, "-l", page, pdf, "-"])
            let words = try poppler("pdftotext", ["-f", page, "-l", page, pdf, "-"]).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let group = list["savingsGroup"] as? String ?? "(không có tổ)"
            #expect(layout.contains("Tổ TK&VV: \(group)"), "page \(page) is group \(group)")
            let rows = (list["borrowers"] as? [[String: Any]] ?? []) + (list["candidates"] as? [[String: Any]] ?? [])
            for row in rows {
                for code in [row["householdCode"], row["loanId"]].compactMap({ $0 as? String }) {
                    #expect(layout.contains(code), "page \(page) lists \(code)")
                }
                if let name = row["headName"] as? String {
                    #expect(words.contains(name), "page \(page) names \(name)")
                }
            }
        }

        #expect(try wordsInBottomMargin(pdf) == [])
        #expect(try wordsInBottomMargin(out.appendingPathComponent("letters.pdf").path) == [])

        let letters = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("letters").path)
        #expect(letters.contains("transaction_office.pdf") && letters.contains { $0.hasSuffix("-commune_review_board.pdf") }, "\(letters)")
        let letterText = try poppler("pdftotext", ["-layout", out.appendingPathComponent("letters.pdf").path, "-"])
        #expect(letterText.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && letterText.contains("Kính gửi:"))

        // The print delivered every letter and group-list recipient of the batch.
        #expect(printed.stdout.contains(" letter and group-list recipients recorded as delivered"), "\(printed)")
        let states = try sqlite(sandbox.dataDir.appendingPathComponent("delivery.sqlite").path,
                                "SELECT DISTINCT state FROM recipient_delivery WHERE channel IN ('letter', 'group_list')")
        #expect(states == "delivered\n", "printed recipients are delivered, not \(states)")

        // The same list again under another name: every notification is a repeat, so no
        // letter is written and nothing is delivered twice; the group lists are printed.
        let again = try sandbox.completedBatch(households: 40, seed: 3, endpoint: dispatcher.clientEndpoint, name: "again")
        let repeated = try sandbox.cli(["notifications", "print", "--batch", again, "--out", sandbox.root.appendingPathComponent("again").path,
                                        "--connect", dispatcher.clientEndpoint], timeout: .seconds(600))
        #expect(repeated.status == 0, "\(repeated)")
        #expect(repeated.stdout.contains("\(lists.count) savings-group lists, 0 letters from 0 notifications ("), "\(repeated)")
        #expect(repeated.stdout.contains("\n0 letter and group-list recipients recorded as delivered"), "\(repeated)")

        let htmlOnly = sandbox.root.appendingPathComponent("html-only")
        let withoutChromium = try sandbox.cli(
            ["notifications", "print", "--batch", id, "--out", htmlOnly.path, "--connect", dispatcher.clientEndpoint],
            environment: ["PATH": "/nonexistent"])
        #expect(withoutChromium.status == 1 && withoutChromium.stderr.contains("no Chromium to make the PDFs"), "\(withoutChromium)")
        #expect(FileManager.default.fileExists(atPath: htmlOnly.appendingPathComponent("group-lists.html").path))
    }
}
