import ChungTayCoding
import ChungTayRules

/// How stored values are written on the bank's printed forms: the stored codes
/// (`farmers`, `near_poor`, roles) are for machines, a group leader or commune officer
/// reads the Vietnamese words; money in đồng with "." between thousands; dates as
/// DD/MM/YYYY. A value with no Vietnamese word (a code from a newer rule file) is
/// printed as stored rather than dropped.
public enum PrintedTerms {
    /// The entrusting association's name.
    static func association(_ code: String?) -> String? {
        guard let code else { return nil }
        switch Association(rawValue: code) {
        case .farmers: return "Hội Nông dân"
        case .women: return "Hội Liên hiệp Phụ nữ"
        case .veterans: return "Hội Cựu chiến binh"
        case .youth: return "Đoàn Thanh niên"
        case nil: return code
        }
    }

    /// The household's category (diện hộ) after the review.
    static func householdClass(_ code: String) -> String {
        switch CurrentStatus(rawValue: code) {
        case .poor: return "Hộ nghèo"
        case .nearPoor: return "Hộ cận nghèo"
        case .newlyEscaped: return "Hộ mới thoát nghèo"
        case .average: return "Hộ có mức sống trung bình"
        case .above: return "Hộ ngoài diện"
        case nil: return code
        }
    }

    /// An amount in đồng: `1.250.000`, as the forms and the CLI's batch summary write it
    /// (without `NumberFormatter`, whose first use costs a command about a millisecond of
    /// ICU set-up).
    public static func money(_ amount: Int?) -> String {
        guard let amount else { return "" }
        let digits = String(amount.magnitude)
        var result = amount < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(".") }
            result.append(digit)
        }
        return result
    }

    /// A stored ISO date as DD/MM/YYYY; anything that is not a date as stored.
    static func date(_ iso: String?) -> String {
        guard let iso else { return "" }
        return CivilDate(iso: iso)?.vietnameseDescription ?? iso
    }

    /// Whom a letter is addressed to, after "Kính gửi:".
    static func addressee(role: String, id: String?) -> String {
        let commune = id.map { " xã " + $0 } ?? ""
        switch RecipientRole(rawValue: role) {
        case .communePeoplesCommittee: return "Ủy ban nhân dân" + commune
        case .communeReviewBoard: return "Ban rà soát hộ nghèo, hộ cận nghèo" + commune
        case .communeOfficer: return "Công chức phụ trách giảm nghèo" + commune
        case .transactionOffice: return "Phòng giao dịch Ngân hàng Chính sách xã hội"
        case .borrower, .groupLeader, .association, nil: return role + (id.map { " " + $0 } ?? "")
        }
    }

    /// The subject line ("V/v …") of a letter to a role.
    static func letterSubject(role: String) -> String {
        switch RecipientRole(rawValue: role) {
        case .communePeoplesCommittee: return "V/v thông báo các khoản vay quá hạn trên 360 ngày"
        case .communeReviewBoard, .transactionOffice: return "V/v thông báo thay đổi danh sách hộ nghèo, hộ cận nghèo"
        case .communeOfficer: return "V/v đề nghị kiểm tra, bổ sung và sửa dữ liệu hộ"
        case .borrower, .groupLeader, .association, nil: return "V/v thông báo kết quả rà soát"
        }
    }
}
