import Foundation
import Testing
import ChungTayBatchOutput

/// The printed group lists and commune letters of a small batch: every value escaped,
/// the lists in RULES.md section 3's order with their totals, one letter per office.
@Suite struct NotificationPrintTests {
    typealias Fixture = BatchExportTests

    static func letterNotification(_ task: String, type: String, subject: String, message: String, recipients: [(String, String?)]) -> String {
        let list = recipients.map { role, id in
            #"{"role":"\#(role)","id":\#(id.map(Fixture.json) ?? "null"),"channel":"letter"}"#
        }.joined(separator: ",")
        return """
            {"taskId":"\(task)","kind":"notify.emit","batchId":"\(Fixture.batch)","asOf":"2025-07-01","type":"\(type)",\
            "dedupKey":"\(type)|\(subject)|2025-07","subject":\(Fixture.json(subject)),"recipients":[\(list)],\
            "message_vi":\(Fixture.json(message)),"message_en":"-","sms":"-"}
            """
    }

    static func makeDataDirectory() throws -> URL {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-print-\(UUID().uuidString)")
        func review(_ task: String, code: String, name: String, village: String, current: String, score: Int?) -> String {
            Fixture.review(task, code: code, name: name, commune: "Gia <An>", village: village, group: "TK<1>",
                           current: current, score: score, line: 2)
                .replacingOccurrences(of: "hoi_nong_dan", with: "farmers")
        }
        var committed: [String: Int64] = [:]
        try Fixture.writeSegments("household.review", [[
            review("1.1", code: "HH-0001", name: "Nguyễn <b>Bình</b> & Co", village: "Thôn 2", current: "average", score: nil),
            review("1.2", code: "HH-0002", name: "Đinh Thị An", village: "Thôn 1", current: "average", score: nil),
            review("1.3", code: "HH-0003", name: "Lê Văn Ba", village: "Thôn 1", current: "poor", score: 50),
            review("1.4", code: "HH-0004", name: "Phạm Thị Tư", village: "Thôn 3", current: "near_poor", score: 80),
        ]], in: data, committed: &committed)
        try Fixture.writeSegments("loan.status", [[
            Fixture.loan("2.1", id: "LN-1", household: "HH-0001", status: "overdue", nextDueOn: "2025-06-15",
                         nextDueAmount: 1_250_000, daysOverdue: 16, overduePrincipal: 1_250_000, interestDue: 0, surcharge: 0, line: 2),
            Fixture.loan("2.2", id: "LN-2", household: "HH-0002", status: "due_soon", nextDueOn: "2025-07-10",
                         nextDueAmount: 2_000_000, daysOverdue: 0, overduePrincipal: 0, interestDue: 0, surcharge: 0, line: 3),
        ]], in: data, committed: &committed)
        try Fixture.writeSegments("notify.emit", [[
            letterNotification("3.1", type: "list_change", subject: "HH-0003", message: "Hộ <Lê Văn Ba> đổi diện",
                               recipients: [("commune_review_board", "Gia <An>"), ("transaction_office", "transaction_office")]),
            letterNotification("3.2", type: "data_correction", subject: "LN-2", message: "Kiểm tra số tiền",
                               recipients: [("commune_officer", "Gia <An>")]),
        ]], in: data, committed: &committed)
        try CommittedEnds.record(committed, in: data)
        return data
    }

    static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    /// Where `needle` first stands in `text` (fails the test when it does not).
    static func position(_ needle: String, in text: String) -> Int {
        guard let range = text.range(of: needle) else {
            Issue.record("missing: \(needle)")
            return -1
        }
        return text.distance(from: text.startIndex, to: range.lowerBound)
    }

    @Test func groupListIsEscapedOrderedAndTotalled() throws {
        let data = try Self.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("print")
        let summary = try NotificationPrint(dataDirectory: data, batchId: Fixture.batch).write(to: out)
        #expect(summary.groups == 1 && summary.letters == 3 && summary.notifications == 2)

        let list = try Self.text(out.appendingPathComponent("groups/TK_1_.html"))
        #expect(list.contains("Nguyễn &lt;b&gt;Bình&lt;/b&gt; &amp; Co") && !list.contains("<b>Bình"))
        #expect(list.contains("Tổ TK&amp;VV: <b>TK&lt;1&gt;</b>") && list.contains("Xã: <b>Gia &lt;An&gt;</b>"))
        #expect(list.contains("Hội Nông dân") && list.contains("Ngày giao dịch: <b>01/07/2025</b>"))
        // Borrowers by village then name; candidates by priority score.
        #expect(Self.position("HH-0002", in: list) < Self.position("HH-0001", in: list))
        #expect(Self.position("HH-0004", in: list) < Self.position("HH-0003", in: list))
        #expect(list.contains("<td class=\"num\">1.250.000</td>") && list.contains("15/06/2025"))
        #expect(list.contains("Tổng cộng: 2 khoản vay</td><td class=\"num\">3.250.000</td><td></td><td class=\"num\">1.250.000</td>"))
        #expect(list.contains("Tổng cộng: 2 hộ") && list.contains("Hộ cận nghèo") && list.contains("Hộ nghèo"))
        #expect(list.contains("thead { display: table-header-group; }") && list.contains("@page { size: A4 landscape"))

        let all = try Self.text(out.appendingPathComponent("group-lists.html"))
        #expect(all.components(separatedBy: "<section class=\"sheet\">").count == 2)
        #expect(summary.documents.map(\.html.lastPathComponent).suffix(2) == ["group-lists.html", "letters.html"])
    }

    /// The forms' and the CLI summary's đồng: "." between thousands, as `NumberFormatter`'s
    /// decimal style with that separator wrote the summary's before.
    @Test func moneyHasDotsBetweenThousands() {
        let written = [0, 7, 999, 1000, -1000, 1_250_000, -12_345_678, Int.max, Int.min, nil].map(PrintedTerms.money)
        #expect(written == [
            "0", "7", "999", "1.000", "-1.000", "1.250.000", "-12.345.678", "9.223.372.036.854.775.807",
            "-9.223.372.036.854.775.808", "",
        ])
    }

    @Test func oneLetterPerOfficeWithItsNotifications() throws {
        let data = try Self.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("print")
        _ = try NotificationPrint(dataDirectory: data, batchId: Fixture.batch).write(to: out)

        let board = try Self.text(out.appendingPathComponent("letters/Gia _An_-commune_review_board.html"))
        #expect(board.contains("Kính gửi: Ban rà soát hộ nghèo, hộ cận nghèo xã Gia &lt;An&gt;"))
        #expect(board.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && board.contains("Độc lập - Tự do - Hạnh phúc"))
        #expect(board.contains("<td class=\"code\">HH-0003</td><td class=\"name\">Lê Văn Ba</td><td>Hộ &lt;Lê Văn Ba&gt; đổi diện</td>"))
        #expect(!board.contains("Kiểm tra số tiền"))
        let office = try Self.text(out.appendingPathComponent("letters/transaction_office.html"))
        #expect(office.contains("HH-0003") && office.contains("Phòng giao dịch Ngân hàng Chính sách xã hội"))
        // A loan's row names its household's head.
        let officer = try Self.text(out.appendingPathComponent("letters/Gia _An_-commune_officer.html"))
        #expect(officer.contains("<td class=\"code\">LN-2</td><td class=\"name\">Đinh Thị An</td><td>Kiểm tra số tiền</td>"))
    }

    @Test func filesArePrivateAndAnEarlierPrintIsReplaced() throws {
        let data = try Self.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("print")
        let print = NotificationPrint(dataDirectory: data, batchId: Fixture.batch)
        _ = try print.write(to: out)
        try Data("stale".utf8).write(to: out.appendingPathComponent("groups/old.pdf"))
        _ = try print.write(to: out)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("groups/old.pdf").path))
        let enumerator = FileManager.default.enumerator(atPath: out.path)
        while let relative = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(relative).path)
            let mode = (attributes[.posixPermissions] as? Int ?? 0) & 0o777
            let directory = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (directory ? 0o700 : 0o600), "\(relative) has mode \(String(mode, radix: 8))")
        }

        let foreign = data.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        #expect(throws: BatchExportError.outputDirectoryNotEmpty(path: foreign.path)) { try print.write(to: foreign) }
    }
}
