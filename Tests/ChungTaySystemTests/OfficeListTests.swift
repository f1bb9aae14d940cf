import ChungTayCoding
import ChungTayWire
import Foundation
import Testing

/// The Python helpers in `OfficeLists/` (run with the system's python3, which has openpyxl):
/// they write the demo list as offices keep it and read exported workbooks back.
enum OfficeLists {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("OfficeLists")
    static let python = URL(fileURLWithPath: "/usr/bin/python3")

    /// Runs `office_lists.py ARGUMENTS` in the sandbox; its standard output, or an error with its output.
    @discardableResult
    static func run(_ sandbox: Sandbox, _ arguments: [String], timeout: Duration = .seconds(120)) throws -> String {
        try runScript(sandbox, "office_lists.py", arguments, timeout: timeout)
    }

    static func runScript(_ sandbox: Sandbox, _ script: String, _ arguments: [String], timeout: Duration) throws -> String {
        let child = try sandbox.spawnTool(
            "python-\(UUID().uuidString.prefix(8))", python.path, [directory.appendingPathComponent(script).path] + arguments)
        guard child.waitForExit(timeout: timeout) else {
            child.stop()
            throw HarnessError("\(script) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        guard child.exitStatus == 0 else {
            throw HarnessError("\(script) \(arguments.joined(separator: " ")) → \(child.exitDescription)\n\(child.stdout)\n\(child.stderr)")
        }
        return child.stdout
    }

    /// The accepted column titles as `chungtay rules columns --json` prints them, for the
    /// helpers: a workbook or an office CSV is headed with the titles `batch submit` matches.
    static func columnsFile(in sandbox: Sandbox) throws -> URL {
        let result = try sandbox.cli(["rules", "columns", "--json"])
        guard result.status == 0 else { throw HarnessError("rules columns --json: \(result)") }
        let url = sandbox.root.appendingPathComponent("columns.json")
        try Data(result.stdout.utf8).write(to: url)
        return url
    }
}

/// One office form of the demo list: the files `batch submit` is given and what its
/// statement on standard error must say about each.
struct OfficeListForm {
    var label: String
    var households: URL
    var loans: URL
    var arguments: [String] = []
    /// Per input file name: texts its statement line must contain.
    var statements: [String: [String]]
    /// Where a record of the reference CSV's line N is in the office file: the sheet and
    /// the line or row number, per reference file name.
    var positions: [String: (file: String, sheet: String?, offset: Int)]
}

extension Sandbox {
    /// The three pipeline stores of one batch without what differs between two batches of
    /// the same list (task ids, times, workers, the batch id) and without `source`, which
    /// names the office file: sorted canonical text per kind.
    func officeComparableStores(batch: String) -> [String: [String]] {
        var stores: [String: [String]] = [:]
        for kind in ["household.review", "loan.status", "notify.emit"] {
            stores[kind] = batchDocuments(kind, batch: batch).map { document in
                var document = document
                for field in ["taskId", "processedAt", "worker", "batchId", "source"] { document.removeValue(forKey: field) }
                return String(decoding: JSON.canonical(document) ?? Data(), as: UTF8.self)
            }.sorted()
        }
        return stores
    }

    /// Every `source` of one batch's documents, per kind, as sorted canonical text.
    func officeSources(batch: String) -> [String: [String]] {
        var sources: [String: [String]] = [:]
        for kind in ["household.review", "loan.status", "notify.emit"] {
            sources[kind] = batchDocuments(kind, batch: batch).map { document in
                String(decoding: JSON.canonical(document["source"] ?? NSNull()) ?? Data(), as: UTF8.self)
            }.sorted()
        }
        return sources
    }

    /// The UTF-8 file `utf8File` in `encoding` (H2's encoder: what the encoding's users' tools write), as `name`.
    func writeLegacy(_ name: String, from utf8File: URL, _ encoding: LegacyEncoding) throws -> URL {
        let text = try String(contentsOf: utf8File, encoding: .utf8)
        let bytes = try #require(encoding.encode(text), "the demo list has a character \(encoding.displayName) lacks")
        let url = root.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// `office_lists.py delimited` of one list into `name` (UTF-8, no BOM).
    func writeDelimited(
        _ name: String, columns: URL, list: URL, kind: String, delimiter: String, locale: String, flags: String
    ) throws -> URL {
        let url = root.appendingPathComponent(name)
        try OfficeLists.run(self, [
            "delimited", columns.path, list.path, url.path, "--list", kind, "--delimiter", delimiter, "--locale", locale, "--flags", flags,
        ])
        return url
    }
}

extension SystemTests {
    /// The demo list as offices keep it: an Excel workbook written by openpyxl (both lists
    /// as sheets of one workbook under title rows, Vietnamese titles, typed cells), a
    /// `;`-CSV in UTF-8 with decimal commas, dot grouping and d/m/y dates, and the same
    /// kinds of file in Windows-1258, TCVN3, VNI and UTF-16: each run states what it found
    /// and stores exactly the documents of the UTF-8 CSV, their sources naming the office
    /// file's lines, rows and sheets.
    @Test func officeListsStoreWhatTheUTF8ListStores() throws {
        let sandbox = try Sandbox("officelists")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 300, seed: 31, badRate: 0)
        let households = input.appendingPathComponent("households.csv")
        let loans = input.appendingPathComponent("loans.csv")
        let columns = try OfficeLists.columnsFile(in: sandbox)

        let workbook = sandbox.root.appendingPathComponent("ds.xlsx")
        try OfficeLists.run(sandbox, ["workbook", columns.path, households.path, loans.path, workbook.path])
        // openpyxl's write-only mode writes inline strings; Excel saves a shared-string table.
        let excelWorkbook = sandbox.root.appendingPathComponent("ds-excel.xlsx")
        try OfficeLists.run(sandbox, ["shared-strings", workbook.path, excelWorkbook.path])
        func delimited(_ stem: String, _ delimiter: String, _ locale: String, _ flags: String, _ suffix: String) throws -> (URL, URL) {
            (try sandbox.writeDelimited("ho-\(stem).\(suffix)", columns: columns, list: households, kind: "households",
                                        delimiter: delimiter, locale: locale, flags: flags),
             try sandbox.writeDelimited("vay-\(stem).\(suffix)", columns: columns, list: loans, kind: "loans",
                                        delimiter: delimiter, locale: locale, flags: flags))
        }
        // Excel's "CSV UTF-8" on a Vietnamese-locale machine: a BOM, `;`, 4.965.000 and 40,8.
        let (viHouseholds, viLoans) = try delimited("vi-utf8", ";", "vi", "vi", "csv")
        for url in [viHouseholds, viLoans] {
            try Data([0xEF, 0xBB, 0xBF] + (try Data(contentsOf: url))).write(to: url)
        }
        // Excel's plain "CSV" there: the same in Windows-1258 (tone marks apart, as Windows writes them).
        let (cp1258Source, cp1258LoanSource) = try delimited("1258-source", ";", "vi", "excel", "csv")
        let cp1258 = (try sandbox.writeLegacy("ho-1258.csv", from: cp1258Source, .windows1258),
                      try sandbox.writeLegacy("vay-1258.csv", from: cp1258LoanSource, .windows1258))
        // An older office's list in the ABC fonts: comma-delimited, numbers as a machine writes them.
        let (tcvnSource, tcvnLoanSource) = try delimited("tcvn3-source", ",", "en", "plain", "csv")
        let tcvn3 = (try sandbox.writeLegacy("ho-tcvn3.csv", from: tcvnSource, .tcvn3),
                     try sandbox.writeLegacy("vay-tcvn3.csv", from: tcvnLoanSource, .tcvn3))
        // VNI-Windows fonts, `;` and the Vietnamese locale.
        let (vniSource, vniLoanSource) = try delimited("vni-source", ";", "vi", "vi", "csv")
        let vni = (try sandbox.writeLegacy("ho-vni.csv", from: vniSource, .vni),
                   try sandbox.writeLegacy("vay-vni.csv", from: vniLoanSource, .vni))
        // Excel's "Unicode Text": UTF-16LE with a BOM, tab-delimited, in the locale of the machine.
        let (utf16Source, utf16LoanSource) = try delimited("utf16-source", "tab", "vi", "excel", "txt")
        func utf16(_ name: String, _ source: URL) throws -> URL {
            let text = try String(contentsOf: source, encoding: .utf8)
            let url = sandbox.root.appendingPathComponent(name)
            try Data([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: url)
            return url
        }
        let unicodeText = (try utf16("ho-utf16.txt", utf16Source), try utf16("vay-utf16.txt", utf16LoanSource))

        func textForm(_ label: String, _ files: (URL, URL), _ facts: [String]) -> OfficeListForm {
            let (householdFile, loanFile) = files
            return OfficeListForm(
                label: label, households: householdFile, loans: loanFile,
                statements: [householdFile.lastPathComponent: facts, loanFile.lastPathComponent: facts],
                positions: ["households.csv": (householdFile.lastPathComponent, nil, 0), "loans.csv": (loanFile.lastPathComponent, nil, 0)])
        }
        let forms = [
            // Both lists from one workbook, each found by its header row, under 2 and 1 title rows.
            OfficeListForm(
                label: "xlsx", households: workbook, loans: workbook,
                statements: ["ds.xlsx": [#"sheet "Danh sách hộ""#, "header row 3", #"sheet "Khoản vay""#, "header row 2"]],
                positions: ["households.csv": ("ds.xlsx", "Danh sách hộ", 2), "loans.csv": ("ds.xlsx", "Khoản vay", 1)]),
            // The same workbook with shared strings, its sheets named.
            OfficeListForm(
                label: "xlsx-shared-strings", households: excelWorkbook, loans: excelWorkbook,
                arguments: ["--sheet", "Danh sách hộ", "--loans-sheet", "Khoản vay"],
                statements: ["ds-excel.xlsx": [#"sheet "Danh sách hộ""#, #"sheet "Khoản vay""#]],
                positions: ["households.csv": ("ds-excel.xlsx", "Danh sách hộ", 2), "loans.csv": ("ds-excel.xlsx", "Khoản vay", 1)]),
            textForm("vi-utf8", (viHouseholds, viLoans), ["';'", "locale vi"]),
            textForm("windows-1258", cp1258, [LegacyEncoding.windows1258.displayName, "';'", "locale vi"]),
            textForm("tcvn3", tcvn3, [LegacyEncoding.tcvn3.displayName, "','", "locale en"]),
            textForm("vni", vni, [LegacyEncoding.vni.displayName, "';'", "locale vi"]),
            textForm("utf16", unicodeText, ["UTF-16", "tab", "locale vi"]),
        ]

        let dispatcher = try sandbox.startDispatcher()
        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        func submit(_ name: String, _ householdFile: URL, _ loanFile: URL, _ extra: [String] = []) throws -> (CommandResult, String) {
            let submitted = try sandbox.cli([
                "batch", "submit", "--households", householdFile.path, "--loans", loanFile.path, "--as-of", "2026-11-27",
                "--name", name, "--wait", "--connect", dispatcher.clientEndpoint,
            ] + extra, timeout: .seconds(180))
            #expect(submitted.status == 0, "\(submitted)")
            return (submitted, try #require(batchId(submitted), "\(submitted)"))
        }
        let (reference, referenceId) = try submit("reference", households, loans)
        // A machine CSV takes today's path: nothing to state.
        #expect(!reference.stderr.contains("households.csv:"), "\(reference)")
        let expected = sandbox.officeComparableStores(batch: referenceId)
        #expect(expected["household.review"]?.count == 300)
        #expect((expected["loan.status"]?.count ?? 0) > 100 && (expected["notify.emit"]?.count ?? 0) > 0)
        let referenceSources = sandbox.officeSources(batch: referenceId)

        for form in forms {
            let (submitted, id) = try submit(form.label, form.households, form.loans, form.arguments)
            let statementLines = submitted.stderr.split(separator: "\n").map(String.init)
            for (file, facts) in form.statements {
                let lines = statementLines.filter { $0.hasPrefix("\(file):") }
                #expect(!lines.isEmpty, "\(form.label): no statement about \(file)\n\(submitted)")
                for fact in facts {
                    #expect(lines.contains { $0.lowercased().contains(fact.lowercased()) }, "\(form.label): \(file)'s statement lacks \(fact)\n\(submitted)")
                }
            }
            let stored = sandbox.officeComparableStores(batch: id)
            for kind in ["household.review", "loan.status", "notify.emit"] {
                #expect(stored[kind]?.count == expected[kind]?.count, "\(form.label) \(kind): \(stored[kind]?.count ?? 0) documents, reference \(expected[kind]?.count ?? 0)")
                let differing = zip(stored[kind] ?? [], expected[kind] ?? []).first { $0 != $1 }
                #expect(differing == nil, "\(form.label) \(kind) differs from the UTF-8 CSV's:\n\(differing?.0 ?? "")\nreference:\n\(differing?.1 ?? "")")
            }
            // Items name the office file, and its line, or its sheet and row.
            var expectedSources: [String: [String]] = [:]
            for (kind, sources) in referenceSources {
                expectedSources[kind] = sources.map { text in
                    guard let source = JSON.parse(text) as? [String: Any], let file = source["file"] as? String,
                          let line = source["line"] as? Int, let position = form.positions[file] else { return text }
                    var mapped: [String: Any] = ["file": position.file, "line": line + position.offset]
                    if let sheet = position.sheet { mapped["sheet"] = sheet }
                    return String(decoding: JSON.canonical(mapped) ?? Data(), as: UTF8.self)
                }.sorted()
            }
            let sources = sandbox.officeSources(batch: id)
            for kind in ["household.review", "loan.status", "notify.emit"] {
                let differing = zip(sources[kind] ?? [], expectedSources[kind] ?? []).first { $0 != $1 }
                #expect(sources[kind]?.count == expectedSources[kind]?.count && differing == nil,
                        "\(form.label) \(kind) sources: \(differing?.0 ?? "") expected \(differing?.1 ?? "")")
            }
        }
    }

    /// A list in an encoding that fits none of UTF-8, Windows-1258, TCVN3 and VNI (Russian in
    /// Windows-1251), and a list that is UTF-8 in its first MiB and Windows-1258 after it, are
    /// refused before a batch is opened (exit 2, nothing in `batch list`), with a message
    /// naming the file and, for the first, `--encoding`.
    @Test func aListInNoKnownEncodingIsRefusedBeforeABatchIsOpened() throws {
        let sandbox = try Sandbox("officerefused")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        // Cyrillic А…я is 0xC0…0xFF in Windows-1251.
        func cp1251(_ text: String) -> [UInt8] {
            text.unicodeScalars.map { scalar in
                (0x0410...0x044F).contains(scalar.value) ? UInt8(scalar.value - 0x0410 + 0xC0) : UInt8(scalar.value)
            }
        }
        let names = ["Иванов Иван Петрович", "Петрова Мария Сергеевна", "Смирнов Алексей", "Кузнецова Ольга Николаевна",
                     "Попов Дмитрий", "Соколова Анна", "Лебедев Сергей Иванович", "Козлова Елена"]
        var russian = cp1251("householdCode;headName;commune;village;members\r\n")
        for (index, name) in names.enumerated() {
            russian += cp1251("R-\(index + 1);\(name);Москва;Тверская улица;\(index % 5 + 1)\r\n")
        }
        let unknown = sandbox.root.appendingPathComponent("danh-sach.csv")
        try Data(russian).write(to: unknown)

        // 1.1 MiB of good UTF-8 in `;`-CSV, then a line in Windows-1258 (ì is i + 0xEC there).
        var late = Array("Mã hộ;Họ và tên chủ hộ;Xã;Thôn;Số nhân khẩu\r\n".utf8)
        var number = 0
        while late.count < 1_150_000 {
            number += 1
            late += Array("HK-\(number);Nguyễn Thị Hồng Nhung;Đồng Kho;Thôn 4;4\r\n".utf8)
        }
        late += Array("HK-late;Tr".utf8) + [0xE2, 0xCC] + Array("n Minh;Ngh".utf8) + [0xEC] + Array(" Đức;Thôn 1;3\r\n".utf8)
        let lateFile = sandbox.root.appendingPathComponent("ho-cuoi.csv")
        try Data(late).write(to: lateFile)

        for (file, naming) in [(unknown, ["--encoding"]), (lateFile, ["UTF-8"])] {
            let refused = try sandbox.cli([
                "batch", "submit", "--households", file.path, "--as-of", "2026-11-27", "--name", "refused-\(file.lastPathComponent)",
                "--connect", dispatcher.clientEndpoint,
            ])
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.stderr.contains(file.lastPathComponent), "\(refused)")
            for text in naming { #expect(refused.stderr.contains(text), "\(refused)") }
            #expect(batchId(refused) == nil, "\(refused)")
        }
        let listed = try sandbox.cli(["batch", "list", "--json", "--connect", dispatcher.clientEndpoint])
        #expect(listed.status == 0, "\(listed)")
        #expect(try JSON.array(listed.stdout).isEmpty, "no batch was opened: \(listed)")
        let status = try sandbox.status(dispatcher.clientEndpoint)
        #expect((Status.queue(status, "household.review")["queued"] ?? 0) == 0, "nothing was submitted")
    }
}

extension SystemTests {
    /// A workbook of 20,000 households (openpyxl, its strings then shared as Excel saves
    /// them, as `scripts/bench-workbook` writes its 200,000) is read as a stream: the
    /// submitting client's peak resident memory stays within 32 MiB of what the same list
    /// as a machine CSV takes (measured: about the same), below what holding the sheet's
    /// 620,000 cells would take (17 MB of XML beside 2 MB of shared strings). Memory, not
    /// time, is checked.
    @Test func aWorkbookOf20000HouseholdsIsReadInBoundedMemory() throws {
        let sandbox = try Sandbox("officememory")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 20000, seed: 37, badRate: 0)
        let households = input.appendingPathComponent("households.csv")
        let loans = input.appendingPathComponent("loans.csv")
        let written = sandbox.root.appendingPathComponent("openpyxl-20000.xlsx")
        try OfficeLists.run(sandbox, ["workbook", try OfficeLists.columnsFile(in: sandbox).path, households.path, loans.path, written.path],
                            timeout: .seconds(300))
        // As Excel saves it: every text in the shared-string table, which the reader holds.
        let workbook = sandbox.root.appendingPathComponent("ds-20000.xlsx")
        try OfficeLists.run(sandbox, ["shared-strings", written.path, workbook.path], timeout: .seconds(300))
        // No workers: the client's reading and submitting is what is measured.
        let dispatcher = try sandbox.startDispatcher()
        func submit(_ name: String, _ householdFile: URL, _ loanFile: URL) throws -> (status: BatchStatus, peakKiB: Int) {
            let measured = sandbox.root.appendingPathComponent("\(name).rss")
            let submitted = try sandbox.cli([
                "batch", "submit", "--households", householdFile.path, "--loans", loanFile.path, "--as-of", "2026-11-27",
                "--name", name, "--connect", dispatcher.clientEndpoint,
            ], launcher: [OfficeLists.python.path, OfficeLists.directory.appendingPathComponent("peak_rss.py").path, measured.path],
               timeout: .seconds(300))
            #expect(submitted.status == 0, "\(submitted)")
            let id = try #require(batchId(submitted), "\(submitted)")
            let peak = try #require(Int(try String(contentsOf: measured, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            return (try sandbox.batchStatus(id, endpoint: dispatcher.clientEndpoint), peak)
        }
        let machine = try submit("csv", households, loans)
        let office = try submit("xlsx", workbook, workbook)
        #expect(office.status.households == 20000 && office.status.loans == machine.status.loans, "\(office.status)")
        #expect(office.status.chunks.householdsAccepted == machine.status.chunks.householdsAccepted)
        #expect(office.peakKiB <= machine.peakKiB + 32 * 1024,
                "the workbook's client peaked at \(office.peakKiB) KiB, the CSV's at \(machine.peakKiB) KiB")
        print("client peak RSS for 20,000 households: CSV \(machine.peakKiB) KiB, workbook \(office.peakKiB) KiB")
    }
}
