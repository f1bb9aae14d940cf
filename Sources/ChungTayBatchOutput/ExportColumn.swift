import ChungTayRules

/// A column of an exported list: its name in the CSV header (a SCHEMA.md field or a result
/// document's field), the Vietnamese title a workbook and a printed list head it with, how
/// a workbook types its cells, and its width there. Record fields take their title from
/// `RecordColumn`, the table input headers are matched with, so a list goes out under the
/// words it came in with; the result fields' titles are this table's. docs/BATCH.md
/// "Export" lists every column of every workbook from these tables.
struct ExportColumn: Sendable {
    /// How a workbook cell of the column holds the CSV field (`WorkbookCell`).
    enum Kind: Sendable {
        case text
        /// A count, score, rate or line number.
        case number
        /// Đồng, shown with thousands separators.
        case money
        case date
    }

    /// The CSV header's name (for the list-only columns, `STT`, `section`: what the row gives).
    let name: String
    let title: String
    let kind: Kind
    /// In Excel's units: characters of the default font.
    let width: Double

    // MARK: - Record fields (titles from RecordColumn)

    static let householdCode = record("householdCode", in: RecordColumn.households, width: 12)
    static let headName = record("headName", in: RecordColumn.households, width: 24)
    static let village = record("village", in: RecordColumn.households, width: 14)
    static let savingsGroup = record("savingsGroup", in: RecordColumn.households, width: 12)
    static let association = record("association", in: RecordColumn.households, width: 14)
    static let loanId = record("loanId", in: RecordColumn.loans, width: 14)
    static let program = record("program", in: RecordColumn.loans, width: 14)
    static let annualRatePercent = record("annualRatePercent", in: RecordColumn.loans, kind: .number, width: 9)

    // MARK: - Result fields

    static let standard = ExportColumn(name: "standard", title: "Chuẩn nghèo áp dụng", kind: .text, width: 11)
    static let incomePerCapita = ExportColumn(
        name: "incomePerCapita", title: "Thu nhập bình quân (đồng/người/tháng)", kind: .money, width: 14)
    static let povertyLine = ExportColumn(
        name: "povertyLine", title: "Chuẩn nghèo về thu nhập (đồng/người/tháng)", kind: .money, width: 14)
    static let deprivationCount = ExportColumn(name: "deprivationCount", title: "Số chỉ số thiếu hụt", kind: .number, width: 9)
    static let deprivations = ExportColumn(name: "deprivations", title: "Các chỉ số thiếu hụt", kind: .text, width: 30)
    static let classification = ExportColumn(name: "classification", title: "Phân loại theo chuẩn", kind: .text, width: 12)
    static let previous = ExportColumn(name: "previous", title: "Diện hộ trước rà soát", kind: .text, width: 13)
    static let current = ExportColumn(name: "current", title: "Diện hộ sau rà soát", kind: .text, width: 13)
    static let change = ExportColumn(name: "change", title: "Biến động", kind: .text, width: 14)
    static let escapedOn = ExportColumn(name: "escapedOn", title: "Ngày thoát nghèo", kind: .date, width: 12)
    static let priorityScore = ExportColumn(name: "priorityScore", title: "Điểm ưu tiên", kind: .number, width: 9)
    static let eligiblePrograms = ExportColumn(name: "eligiblePrograms", title: "Chương trình được vay", kind: .text, width: 24)
    static let flags = ExportColumn(name: "flags", title: "Mã lỗi, cảnh báo", kind: .text, width: 24)
    static let sourceFile = ExportColumn(name: "sourceFile", title: "Tệp nguồn", kind: .text, width: 16)
    static let sourceLine = ExportColumn(name: "sourceLine", title: "Dòng nguồn", kind: .number, width: 8)

    static let status = ExportColumn(name: "status", title: "Trạng thái khoản vay", kind: .text, width: 12)
    static let outstanding = ExportColumn(name: "outstanding", title: "Dư nợ (đồng)", kind: .money, width: 14)
    static let overduePrincipal = ExportColumn(name: "overduePrincipal", title: "Nợ gốc quá hạn (đồng)", kind: .money, width: 14)
    static let daysOverdue = ExportColumn(name: "daysOverdue", title: "Số ngày quá hạn", kind: .number, width: 9)
    static let overdueBucket = ExportColumn(name: "overdueBucket", title: "Nhóm quá hạn", kind: .text, width: 10)
    static let nextDueOn = ExportColumn(name: "nextDueOn", title: "Ngày đến hạn", kind: .date, width: 12)
    static let nextDueAmount = ExportColumn(name: "nextDueAmount", title: "Số tiền đến hạn (đồng)", kind: .money, width: 14)
    static let interestDue = ExportColumn(name: "interestDue", title: "Lãi phải trả (đồng)", kind: .money, width: 12)
    static let overdueSurcharge = ExportColumn(name: "overdueSurcharge", title: "Lãi phạt quá hạn (đồng)", kind: .money, width: 12)

    static let type = ExportColumn(name: "type", title: "Loại thông báo", kind: .text, width: 18)
    static let subject = ExportColumn(name: "subject", title: "Mã hộ / khoản vay", kind: .text, width: 14)
    static let dedupKey = ExportColumn(name: "dedupKey", title: "Mã chống trùng", kind: .text, width: 24)
    static let recipients = ExportColumn(name: "recipients", title: "Người nhận", kind: .text, width: 20)
    static let message = ExportColumn(name: "message_vi", title: "Nội dung", kind: .text, width: 60)
    static let sms = ExportColumn(name: "sms", title: "Tin nhắn SMS", kind: .text, width: 40)
    static let state = ExportColumn(name: "state", title: "Trạng thái gửi", kind: .text, width: 11)
    static let recipientStates = ExportColumn(
        name: "recipientStates", title: "Trạng thái theo người nhận", kind: .text, width: 24)

    // MARK: - The savings-group list's own

    static let sequence = ExportColumn(name: "STT", title: "STT", kind: .number, width: 5)
    /// `current` on the group list, in words (`PrintedTerms.householdClass`).
    static let householdClass = ExportColumn(name: "current", title: "Diện hộ", kind: .text, width: 16)
    /// `section` on the group list, in words (`GroupListWorkbook.note`).
    static let note = ExportColumn(name: "section", title: "Ghi chú", kind: .text, width: 18)

    // MARK: - Tables

    /// `households.csv`, sheet `Hộ gia đình`.
    static let households: [ExportColumn] = [
        householdCode, headName, village, savingsGroup, association, standard, incomePerCapita, povertyLine,
        deprivationCount, deprivations, classification, previous, current, change, escapedOn, priorityScore,
        eligiblePrograms, flags, sourceFile, sourceLine,
    ]

    /// `loans.csv`, sheet `Khoản vay`.
    static let loans: [ExportColumn] = [
        loanId, householdCode, headName, village, program, status, outstanding, overduePrincipal, daysOverdue,
        overdueBucket, nextDueOn, nextDueAmount, interestDue, overdueSurcharge, annualRatePercent, flags, sourceFile,
        sourceLine,
    ]

    /// `notifications.csv`, sheet `Thông báo`.
    static let notifications: [ExportColumn] = [
        type, subject, dedupKey, recipients, message, sms, sourceFile, sourceLine, state, recipientStates,
    ]

    /// The savings-group workbook's table: the printed list's columns, then what the
    /// group CSV carries besides (interest, surcharge), the candidates' class and score,
    /// and the note that says which part of the list a row is in.
    static let groupList: [ExportColumn] = [
        sequence, headName, village, householdCode, loanId, nextDueOn, nextDueAmount, daysOverdue, overduePrincipal,
        interestDue, overdueSurcharge, householdClass, priorityScore, note,
    ]

    /// A record field's column, headed by its `RecordColumn.title`.
    private static func record(_ field: String, in columns: [RecordColumn], kind: Kind = .text, width: Double) -> ExportColumn {
        let title = columns.first { $0.field == field }?.title ?? field
        return ExportColumn(name: field, title: title, kind: kind, width: width)
    }
}
