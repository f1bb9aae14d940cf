import ChungTayCoding

/// A column of a household or loan list as offices keep it in a spreadsheet: the
/// SCHEMA.md field, the kind of value it holds, and the Vietnamese titles that may head
/// it. Reading a workbook or an office's CSV finds its header row by these titles
/// (docs/BATCH.md "Column titles"); exports head their record columns with `title`.
public struct RecordColumn: Sendable {
    /// How a cell of the column is read, as `FieldValue` reads the field.
    public enum ValueKind: Sendable {
        case text, number, flag, date
        /// `termAdjustments`: JSON Lines only, never a spreadsheet cell.
        case nested
    }

    /// The SCHEMA.md field name.
    public let field: String
    public let kind: ValueKind
    /// The title exports write, and the first one accepted.
    public let title: String
    /// Other titles in use for the column, accepted as well.
    public let aliases: [String]

    /// Every title accepted for the column: the field name, `title`, then `aliases`.
    public var acceptedTitles: [String] { [field, title] + aliases }

    /// The household list's columns, in SCHEMA.md order.
    public static let households: [RecordColumn] = HouseholdField.allCases.map { field in
        let titles = householdTitles[field]!
        return RecordColumn(field: field.name, kind: ValueKind(field.kind), title: titles[0], aliases: Array(titles.dropFirst()))
    }

    /// The loan book's columns, in SCHEMA.md order.
    public static let loans: [RecordColumn] = LoanField.allCases.map { field in
        let titles = loanTitles[field]!
        return RecordColumn(field: field.name, kind: ValueKind(field.kind), title: titles[0], aliases: Array(titles.dropFirst()))
    }

    /// The column a header cell names, among `columns`: the cell compared with every
    /// accepted title after `comparisonKey`, so case, spacing, a trailing colon or
    /// asterisk, the Unicode normal form and missing tone marks do not matter. Nil for a
    /// title of no column (an unknown column, kept under its own title).
    public static func column(titled cell: String, in columns: [RecordColumn]) -> RecordColumn? {
        let key = comparisonKey(cell)
        guard !key.isEmpty else { return nil }
        return columns.first { column in column.acceptedTitles.contains { comparisonKey($0) == key } }
    }

    /// A title folded for comparison: NFC, unaccented (đ → d), lower case, whitespace runs
    /// as one space, without surrounding spaces or trailing `:`, `*` or `.`.
    public static func comparisonKey(_ title: String) -> String {
        let folded = UnicodeText.unaccented(UnicodeText.nfc(title)).lowercased()
        var key = ""
        var pendingSpace = false
        for character in folded {
            if character.isWhitespace {
                pendingSpace = !key.isEmpty
                continue
            }
            if pendingSpace { key.append(" ") }
            pendingSpace = false
            key.append(character)
        }
        while let last = key.last, last == ":" || last == "*" || last == "." || last == " " { key.removeLast() }
        return key
    }

    /// Titles on Vietnamese commune lists (the poverty review's forms, the bank's loan
    /// books), the exports' title first.
    private static let householdTitles: [HouseholdField: [String]] = [
        .householdCode: ["Mã hộ", "Mã hộ gia đình", "Mã số hộ"],
        .headName: ["Họ và tên chủ hộ", "Họ tên chủ hộ", "Tên chủ hộ", "Chủ hộ"],
        .citizenId: ["Số CCCD", "CCCD", "Số CCCD chủ hộ", "Số căn cước công dân", "Số căn cước", "Số định danh cá nhân"],
        .province: ["Tỉnh", "Tỉnh/thành phố", "Tỉnh/TP"],
        .commune: ["Xã", "Xã/phường", "Xã/phường/thị trấn", "Phường"],
        .village: ["Thôn", "Thôn/khu phố", "Thôn/bản", "Thôn/ấp", "Khu phố", "Ấp", "Bản"],
        .area: ["Khu vực", "Nông thôn/thành thị"],
        .members: ["Số nhân khẩu", "Nhân khẩu", "Số thành viên", "Số người trong hộ"],
        .monthlyIncomePerCapita: ["Thu nhập bình quân đầu người/tháng", "Thu nhập BQ đầu người/tháng", "Thu nhập bình quân/người/tháng"],
        .annualHouseholdIncome: ["Tổng thu nhập của hộ/năm", "Thu nhập cả hộ/năm", "Tổng thu nhập năm"],
        .unemployedMembers: ["Số người thất nghiệp"],
        .noContractWageMembers: ["Số người làm công không có hợp đồng", "Số người làm việc không có hợp đồng"],
        .dependants: ["Số người phụ thuộc"],
        .malnourishedChildren: ["Số trẻ em suy dinh dưỡng", "Số trẻ suy dinh dưỡng"],
        .uninsuredMembersAged6Plus: ["Số người từ 6 tuổi không có BHYT", "Số người từ 6 tuổi trở lên không có BHYT"],
        .undereducatedAdults16to30: ["Số người 16-30 tuổi không đủ trình độ", "Số người từ 16 đến 30 tuổi không đủ trình độ"],
        .childrenOutOfSchool3to15: ["Số trẻ 3-15 tuổi không đi học", "Số trẻ em từ 3 đến 15 tuổi không đi học"],
        .nonDurableHousingParts: ["Số kết cấu nhà không bền chắc", "Kết cấu nhà không bền chắc"],
        .housingAreaM2: ["Diện tích nhà ở (m2)", "Diện tích nhà ở (m²)", "Diện tích nhà ở", "Diện tích nhà (m2)"],
        .safeWater: ["Nước sinh hoạt hợp vệ sinh", "Nước sạch"],
        .hygienicLatrine: ["Nhà tiêu hợp vệ sinh"],
        .telecomUse: ["Sử dụng dịch vụ viễn thông"],
        .informationDevices: ["Có phương tiện tiếp cận thông tin", "Phương tiện tiếp cận thông tin"],
        .ethnicMinority: ["Dân tộc thiểu số", "Hộ dân tộc thiểu số"],
        .especiallyDifficultArea: ["Vùng đặc biệt khó khăn", "Xã, thôn đặc biệt khó khăn"],
        .listStatus: ["Diện hộ trong danh sách", "Diện hộ", "Phân loại hộ"],
        .listStatusSince: ["Diện hộ từ ngày", "Ngày công nhận"],
        .savingsGroup: ["Tổ TK&VV", "Tổ tiết kiệm và vay vốn", "Mã tổ TK&VV"],
        .association: ["Hội đoàn thể nhận ủy thác", "Hội đoàn thể", "Hội nhận ủy thác"],
        .phone: ["Số điện thoại", "Điện thoại", "SĐT"],
    ]

    private static let loanTitles: [LoanField: [String]] = [
        .loanId: ["Mã khoản vay", "Số khế ước", "Mã món vay"],
        .householdCode: householdTitles[.householdCode]!,
        .program: ["Chương trình cho vay", "Chương trình"],
        .principal: ["Số tiền giải ngân (đồng)", "Số tiền giải ngân", "Số tiền vay"],
        .disbursedOn: ["Ngày giải ngân", "Ngày vay"],
        .maturityOn: ["Ngày đến hạn cuối cùng", "Hạn trả cuối cùng", "Ngày đáo hạn"],
        .repaymentPeriodMonths: ["Định kỳ trả nợ (tháng)", "Kỳ hạn trả nợ (tháng)", "Định kỳ trả nợ"],
        .principalRepaid: ["Gốc đã trả (đồng)", "Gốc đã trả", "Số tiền gốc đã trả"],
        .interestPaidThrough: ["Lãi đã trả đến ngày", "Trả lãi đến ngày"],
        .annualRatePercent: ["Lãi suất (%/năm)", "Lãi suất"],
        .termAdjustments: ["Điều chỉnh kỳ hạn nợ"],
        .extendedTo: ["Gia hạn nợ đến ngày", "Gia hạn đến"],
        .frozenFrom: ["Khoanh nợ từ ngày", "Khoanh nợ từ"],
        .frozenTo: ["Khoanh nợ đến ngày", "Khoanh nợ đến"],
        .writtenOffOn: ["Ngày xóa nợ"],
        .misusedFunds: ["Sử dụng vốn sai mục đích", "Sai mục đích"],
        .misuseFoundOn: ["Ngày phát hiện sai mục đích"],
    ]
}

extension RecordColumn.ValueKind {
    init(_ kind: FieldValue.Kind) {
        switch kind {
        case .text: self = .text
        case .number: self = .number
        case .flag: self = .flag
        case .date: self = .date
        case .termAdjustments: self = .nested
        }
    }
}
