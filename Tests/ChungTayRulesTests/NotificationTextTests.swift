import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// The texts of notifications as people read them (issue 13): every template of every
/// type rendered with each value that can be missing missing alone and all missing
/// together; villages that already say "Thôn"; data corrections in words; the SMS in
/// one GSM-7 part; the borrower's phone.
@Suite("Notification texts")
struct NotificationTextTests {
    static let asOf = Fixture.date("2026-03-01")

    /// The review members a notice reads that can be missing, and the loan members.
    static let reviewValues: [String: JSONValue] = [
        "householdCode": "HK-0000001", "headName": "Nguyễn Thị Minh Khai", "commune": "Huy Khiêm",
        "village": "Thôn 4", "previous": "near_poor", "current": "poor",
    ]
    static let loanValues: [String: JSONValue] = [
        "loanId": "HK-0000001-V1", "nextDueOn": "2026-03-15", "nextDueAmount": 13_333_333, "daysOverdue": 1234,
        "overduePrincipal": 180_000_000,
    ]
    /// Each value missing alone, then all together.
    static let missingCases: [[String]] =
        (reviewValues.keys.sorted() + loanValues.keys.sorted() + ["field"]).map { [$0] }
        + [reviewValues.keys.sorted() + loanValues.keys.sorted() + ["field"]]

    /// All five types from one household: a due and an overdue loan, a list change, a
    /// supplement candidate, and data corrections for the review and a loan.
    private func render(missing: Set<String>, village: String? = nil) -> [NotificationMessage] {
        var review = Self.reviewValues.filter { !missing.contains($0.key) }
        if let village { review["village"] = .string(village) }
        review["change"] = "near_poor_to_poor"
        review["phone"] = "0912 345 678"
        func flag(_ code: String, _ field: String) -> JSONValue {
            missing.contains("field") ? ["code": .string(code), "severity": "error"]
                : ["code": .string(code), "field": .string(field), "severity": "error"]
        }
        review["flags"] = [flag("citizen_id_format", "citizenId"), flag("income_missing", "monthlyIncomePerCapita")]
        func loan(_ status: String, _ id: String) -> LoanNotice {
            var loan = Self.loanValues.filter { !missing.contains($0.key) }
            if let loanId = loan["loanId"], case .string(let text) = loanId { loan["loanId"] = .string(text + id) }
            if let code = review["householdCode"] { loan["householdCode"] = code }
            loan["status"] = .string(status)
            return LoanNotice(document: Self.object(loan))
        }
        var broken = loan("overdue", "")
        broken.status = nil
        broken.errors = missing.contains("field")
            ? [FlagReference(code: "date_invalid", field: nil)]
            : [FlagReference(code: "date_invalid", field: "termAdjustments[0].dueOn"), FlagReference(code: "field_missing", field: "program")]
        let notice = ReviewNotice(document: Self.object(review))
        return notifications(
            reviewNotice: notice, loanNotices: [loan("due_soon", ""), loan("overdue", "b"), broken], hasActiveLoan: false,
            asOf: Self.asOf, rules: Fixture.rules
        )
    }

    /// Whether `text` shows no trace of a missing value or of the template language.
    private func expectReadable(_ text: String, _ context: String) {
        for fragment in ["{", "}", "[", "]", "null", "nil", "  ", " ,", " .", " :", " ;", "()", "( ", " )", ",,", "..", ":."] {
            #expect(!text.contains(fragment), "\(context): \"\(fragment)\" in \(text)")
        }
        // A "-" for a value stands alone; in codes and dates it sits between characters.
        let lone = text.unicodeScalars.indices.contains { index in
            guard text.unicodeScalars[index] == "-" else { return false }
            let before = index == text.unicodeScalars.startIndex ? " " : text.unicodeScalars[text.unicodeScalars.index(before: index)]
            let afterIndex = text.unicodeScalars.index(after: index)
            let after = afterIndex == text.unicodeScalars.endIndex ? " " : text.unicodeScalars[afterIndex]
            return !before.properties.isAlphabetic && !("0"..."9").contains(before) || !after.properties.isAlphabetic && !("0"..."9").contains(after)
        }
        #expect(!lone, "\(context): a lone \"-\" in \(text)")
        #expect(!text.lowercased().contains("thôn thôn") && !text.lowercased().contains("thon thon"), "\(context): \(text)")
        #expect(text.hasSuffix("."), "\(context): \(text)")
    }

    @Test(arguments: missingCases)
    func everyTemplateReadsWithValuesMissing(_ missing: [String]) throws {
        let messages = render(missing: Set(missing))
        let expectedTypes: [NotificationType] =
            missing.contains("current")
            ? [.dueReminder, .overdueNotice, .listChange, .dataCorrection, .dataCorrection]
            : [.dueReminder, .overdueNotice, .listChange, .supplementCandidate, .dataCorrection, .dataCorrection]
        #expect(messages.map(\.type) == expectedTypes)
        for message in messages {
            let context = "\(message.type.rawValue) without \(missing)"
            for text in [message.messageVi, message.messageEn, message.sms.text] { expectReadable(text, context) }
            for text in [message.messageVi, message.messageEn] {
                #expect(Array(text.unicodeScalars) == Array(text.precomposedStringWithCanonicalMapping.unicodeScalars), "\(context)")
            }
            #expect(message.sms.text.unicodeScalars.allSatisfy(Self.isGSM7Basic), "\(context): \(message.sms.text)")
            for code in ["citizen_id_format", "income_missing", "date_invalid", "field_missing", "citizenId", "monthlyIncomePerCapita"] {
                #expect(![message.messageVi, message.messageEn, message.sms.text].contains { $0.contains(code) }, "\(context)")
            }
        }
    }

    @Test func allMissingReadsAsPlainSentences() {
        let all = Set(Self.missingCases.last!)
        let vi = render(missing: all).map(\.messageVi)
        #expect(vi == [
            "Khoản vay của hộ sắp đến hạn trả. Xin mời đến điểm giao dịch xã để trả nợ.",
            "Khoản vay của hộ đã quá hạn. Đề nghị trả nợ hoặc liên hệ Tổ TK&VV.",
            "Hộ có thay đổi; đề nghị Ban rà soát xác nhận.",
            "Hồ sơ cần sửa dữ liệu: số CCCD của chủ hộ phải có đúng 12 chữ số; "
                + "thu nhập: ghi thu nhập bình quân tháng hoặc tổng thu nhập năm, không âm.",
            "Hồ sơ cần sửa dữ liệu: trường bị lỗi: ghi ngày có thật theo dạng năm-tháng-ngày.",
        ])
    }

    @Test func dataCorrectionsNameEachFieldInWords() throws {
        let messages = render(missing: [])
        let household = try #require(messages.first { $0.type == .dataCorrection })
        #expect(household.messageVi == "Hồ sơ HK-0000001 của hộ Nguyễn Thị Minh Khai ở Thôn 4, xã Huy Khiêm, cần sửa dữ liệu: "
            + "số CCCD của chủ hộ phải có đúng 12 chữ số; "
            + "thu nhập: ghi thu nhập bình quân tháng hoặc tổng thu nhập năm, không âm.")
        #expect(household.messageEn.contains("the household head's citizen ID must have exactly 12 digits; income: write"))
        #expect(household.sms.text == "Ho so HK-0000001 can sua du lieu: so CCCD cua chu ho, thu nhap binh quan thang.")
        #expect(household.corrections == [
            FlagReference(code: "citizen_id_format", field: "citizenId"),
            FlagReference(code: "income_missing", field: "monthlyIncomePerCapita"),
        ])
        let loan = try #require(messages.last)
        #expect(loan.messageVi.hasSuffix("cần sửa dữ liệu: điều chỉnh kỳ hạn: ghi ngày có thật theo dạng năm-tháng-ngày; chương trình cho vay: còn trống, cần ghi vào."))
        let object = try Fixture.jsonObject(loan.jsonBytes)
        let corrections = try #require(object["corrections"] as? [[String: Any]])
        #expect(corrections.map { "\($0["code"]!)|\($0["field"]!)" } == ["date_invalid|termAdjustments[0].dueOn", "field_missing|program"])
        // Only data corrections carry the member.
        #expect(try messages.filter { $0.type != .dataCorrection }.allSatisfy { try Fixture.jsonObject($0.jsonBytes)["corrections"] == nil })
    }

    @Test func aFlagWithoutItsFieldNamesTheFieldItsCodeIsAbout() throws {
        // A payload written before flags carried their field.
        let review = ReviewNotice(document: Self.object([
            "householdCode": "TL-1", "flags": [["code": "members_invalid", "severity": "error"], ["code": "made_up", "severity": "error"]],
        ]))
        let correction = try #require(
            notifications(reviewNotice: review, loanNotices: [], hasActiveLoan: true, asOf: Self.asOf, rules: Fixture.rules).first
        )
        #expect(correction.messageVi == "Hồ sơ TL-1 cần sửa dữ liệu: số nhân khẩu: ghi số nguyên từ 1 trở lên; trường bị lỗi: kiểm tra và sửa lại.")
        #expect(correction.sms.text == "Ho so TL-1 can sua du lieu: so nhan khau, truong bi loi.")
        #expect(correction.corrections == [FlagReference(code: "members_invalid", field: nil), FlagReference(code: "made_up", field: nil)])
    }

    @Test(arguments: [
        ("Thôn 4", "ở Thôn 4", "in Thôn 4"), ("thôn 4", "ở thôn 4", "in thôn 4"), ("THÔN 4", "ở THÔN 4", "in THÔN 4"),
        ("Tho\u{0302}n 4", "ở Thôn 4", "in Thôn 4"), ("Ấp Gia Lâm", "ở Ấp Gia Lâm", "in Ấp Gia Lâm"),
        ("A\u{0302}\u{0301}p Gia La\u{0302}m", "ở Ấp Gia Lâm", "in Ấp Gia Lâm"), ("Bản Phố", "ở Bản Phố", "in Bản Phố"),
        ("khu phố 3", "ở khu phố 3", "in khu phố 3"), ("Tổ 5", "ở Tổ 5", "in Tổ 5"), ("Tổ5", "ở Tổ5", "in Tổ5"),
        ("8", "ở thôn 8", "in village 8"), ("Gia Lâm", "ở thôn Gia Lâm", "in village Gia Lâm"),
        ("Tổng Hợp", "ở thôn Tổng Hợp", "in village Tổng Hợp"),
    ])
    func aVillageIsNamedOnce(_ village: String, _ vi: String, _ en: String) throws {
        let reminder = try #require(render(missing: [], village: village).first)
        #expect(reminder.messageVi.contains(vi + " sắp đến hạn"), "\(reminder.messageVi)")
        #expect(reminder.messageEn.contains(en + " falls due"), "\(reminder.messageEn)")
    }

    @Test func smsFitsOneMessageWithTheSampleDataLongestValues() {
        // demo-data: names up to 19 letters, household codes of 10, loan ids of 13,
        // amounts up to 180,000,000, more than 999 days overdue.
        let messages = render(missing: [])
        for message in messages {
            #expect(message.sms.parts.count == 1, "\(message.type.rawValue): \(message.sms.text.count) \(message.sms.text)")
        }
        #expect(messages[1].sms.text == "NHCSXH: Khoan vay HK-0000001-V1b cua ho Nguyen Thi Minh Khai (HK-0000001) qua han 1234 ngay, "
            + "no goc qua han 180.000.000 dong. Xin tra no hoac lien he To TK&VV.")
    }

    @Test(arguments: [
        ("0912345678, 0987654321", "0912345678"), ("0912 345 678 0987654321", "0912345678"),
        ("0912.345.678", "0912345678"), ("0912-345-678", "0912345678"), ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"), ("(+84) 38-765-4321", "0387654321"), ("ĐT: 0778 123 456", "0778123456"),
        ("0212345678, 0587654321", "0587654321"), ("091234567", nil), ("09123456789", nil), ("0612345678", nil),
        ("không có", nil), ("", nil),
    ] as [(String, String?)])
    func theBorrowerGetsTheFirstMobileNumber(_ phone: String, _ expected: String?) throws {
        let review = ReviewNotice(document: Self.object(["householdCode": "TL-1", "phone": .string(phone), "flags": []]))
        let loan = LoanNotice(document: Self.object(["loanId": "L-1", "householdCode": "TL-1", "status": "overdue", "daysOverdue": 3]))
        let notice = try #require(
            notifications(reviewNotice: review, loanNotices: [loan], hasActiveLoan: true, asOf: Self.asOf, rules: Fixture.rules).first
        )
        #expect(notice.recipients.map(\.phone) == [expected, nil])
        let recipients = try #require(try Fixture.jsonObject(notice.jsonBytes)["recipients"] as? [[String: Any]])
        #expect(recipients.map { $0.keys.contains("phone") } == [true, false])
        #expect(recipients[0]["phone"] as? String == expected)
    }

    static func object(_ members: [String: JSONValue]) -> JSONObject {
        JSONObject(members.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) })
    }

    /// GSM 03.38's default alphabet, as far as printable ASCII goes (no extension table).
    static func isGSM7Basic(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            || " !\"#$%&'()*+,-./:;<=>?@_".unicodeScalars.contains(scalar))
    }
}
