import ChungTayRules

/// One savings group's consolidated list (RULES.md section 3) as the printed sheet the
/// group leader carries to the monthly fixed-day session: the bank's masthead, the
/// title, the group, its association and the transaction day, the borrowers due or
/// overdue and the supplement candidates as bordered tables in the list's order, each
/// with a totals row, and the signature block of the three people who sign the bank's
/// forms. The sheet is a `section.sheet`, so sheets of many groups can share one file
/// and still print one group per page.
struct PrintedGroupList {
    let list: SavingsGroupList
    /// The commune of the group's households (the transaction point's commune), if known.
    let commune: String?

    /// The form's words, shared with the group's workbook (`GroupListWorkbook`).
    static let heading = "Danh sách hộ vay đến hạn, quá hạn và hộ đề nghị vay bổ sung"
    static let session = "Phiên giao dịch ngày"
    static let noGroup = "(không có tổ)"
    static let bank = "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI"
    static let transactionPoint = "Điểm giao dịch xã"
    static let nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    static let motto = "Độc lập - Tự do - Hạnh phúc"
    static let transactionDay = "Ngày giao dịch"
    static let dateline = "……………, ngày …… tháng …… năm ……"
    static let signers = ["TỔ TRƯỞNG TỔ TK&VV", "CÁN BỘ HỘI ĐOÀN THỂ", "CÁN BỘ TÍN DỤNG"]
    static let signHint = "(Ký, ghi rõ họ tên)"
    /// The field labels: the record columns' titles.
    static let groupLabel = RecordColumn.households.first { $0.field == "savingsGroup" }?.title ?? "Tổ TK&VV"
    static let associationLabel = RecordColumn.households.first { $0.field == "association" }?.title ?? "Hội đoàn thể nhận ủy thác"
    static let communeLabel = RecordColumn.households.first { $0.field == "commune" }?.title ?? "Xã"

    var title: String {
        "Danh sách Tổ " + (list.savingsGroup ?? Self.noGroup)
    }

    var sheet: String {
        var html = "<section class=\"sheet\">\n"
        html += masthead
        html += "<h1>\(Self.heading)</h1>\n"
        html += "<p class=\"subtitle\">\(Self.session) \(list.asOf.vietnameseDescription)</p>\n"
        html += "<div class=\"fields\">"
        html += "<span>\(HTMLText.escaped(Self.groupLabel)): <b>\(HTMLText.escaped(list.savingsGroup ?? Self.noGroup))</b></span>"
        html += "<span>\(HTMLText.escaped(Self.associationLabel)): <b>\(HTMLText.escaped(PrintedTerms.association(list.association) ?? ""))</b></span>"
        html += "<span>\(HTMLText.escaped(Self.communeLabel)): <b>\(HTMLText.escaped(commune))</b></span>"
        html += "<span>\(Self.transactionDay): <b>\(list.asOf.vietnameseDescription)</b></span>"
        html += "</div>\n"
        html += borrowerTable
        html += candidateTable
        html += signatures
        html += "</section>\n"
        return html
    }

    private var masthead: String {
        """
        <div class="masthead">
        <div>\(Self.bank)<br><b class="upper">\(Self.transactionPoint) \(HTMLText.escaped(commune))</b><span class="rule"></span></div>
        <div><b>\(Self.nation)</b><br><b>\(Self.motto)</b><span class="rule"></span></div>
        </div>

        """
    }

    private var borrowerTable: String {
        var html = "<h2>I. Hộ vay đến hạn, quá hạn</h2>\n"
        guard !list.borrowers.isEmpty else { return html + "<p class=\"none\">Không có hộ vay đến hạn hoặc quá hạn.</p>\n" }
        html += """
            <table class="form"><thead><tr>
            <th class="n">\(Self.th(.sequence))</th><th>\(Self.th(.headName))</th><th>\(Self.th(.village))</th><th>\(Self.th(.householdCode))</th><th>\(Self.th(.loanId))</th>
            <th>\(Self.th(.nextDueOn))</th><th>\(Self.th(.nextDueAmount))</th><th>\(Self.th(.daysOverdue))</th><th>\(Self.th(.overduePrincipal))</th><th>\(Self.th(.note))</th>
            </tr></thead>
            <tbody>

            """
        var dueTotal: Int? = 0
        var overdueTotal: Int? = 0
        for (index, borrower) in list.borrowers.enumerated() {
            let overdue = borrower.status == LoanStatus.overdue.rawValue
            dueTotal = Self.sum(dueTotal, borrower.nextDueAmount)
            overdueTotal = Self.sum(overdueTotal, borrower.overduePrincipal)
            let days = overdue ? borrower.daysOverdue.map(String.init) ?? "" : ""
            html += "<tr><td class=\"n\">\(index + 1)</td>"
            html += "<td class=\"name\">\(HTMLText.escaped(borrower.headName))</td><td class=\"village\">\(HTMLText.escaped(borrower.village))</td>"
            html += "<td class=\"code\">\(HTMLText.escaped(borrower.householdCode))</td><td class=\"code\">\(HTMLText.escaped(borrower.loanId))</td>"
            html += "<td class=\"date\">\(HTMLText.escaped(PrintedTerms.date(borrower.nextDueOn)))</td>"
            html += "<td class=\"num\">\(PrintedTerms.money(borrower.nextDueAmount))</td><td class=\"num\">\(days)</td>"
            html += "<td class=\"num\">\(PrintedTerms.money(overdue ? borrower.overduePrincipal : nil))</td>"
            html += "<td class=\"note\">\(overdue ? "Quá hạn" : "Đến hạn")</td></tr>\n"
        }
        html += "<tr class=\"total\"><td colspan=\"6\">Tổng cộng: \(list.borrowers.count) khoản vay</td>"
        html += "<td class=\"num\">\(PrintedTerms.money(dueTotal))</td><td></td>"
        html += "<td class=\"num\">\(PrintedTerms.money(overdueTotal))</td><td></td></tr>\n"
        return html + "</tbody></table>\n"
    }

    private var candidateTable: String {
        var html = "<h2>II. Hộ đề nghị vay bổ sung</h2>\n"
        guard !list.candidates.isEmpty else { return html + "<p class=\"none\">Không có hộ đề nghị vay bổ sung.</p>\n" }
        html += """
            <table class="form"><thead><tr>
            <th class="n">\(Self.th(.sequence))</th><th>\(Self.th(.headName))</th><th>\(Self.th(.village))</th><th>\(Self.th(.householdCode))</th><th>\(Self.th(.householdClass))</th><th>\(Self.th(.priorityScore))</th>
            </tr></thead>
            <tbody>

            """
        for (index, candidate) in list.candidates.enumerated() {
            html += "<tr><td class=\"n\">\(index + 1)</td>"
            html += "<td class=\"name\">\(HTMLText.escaped(candidate.headName))</td><td class=\"village\">\(HTMLText.escaped(candidate.village))</td>"
            html += "<td class=\"code\">\(HTMLText.escaped(candidate.householdCode))</td>"
            html += "<td>\(HTMLText.escaped(PrintedTerms.householdClass(candidate.current)))</td>"
            html += "<td class=\"num\">\(candidate.priorityScore)</td></tr>\n"
        }
        html += "<tr class=\"total\"><td colspan=\"6\">Tổng cộng: \(list.candidates.count) hộ</td></tr>\n"
        return html + "</tbody></table>\n"
    }

    private var signatures: String {
        """
        <div class="signoff">
        <p class="dateline">\(Self.dateline)</p>
        <div class="signatures">
        \(Self.signers.map { "<div><b>\(HTMLText.escaped($0))</b><span class=\"hint\">\(Self.signHint)</span></div>" }.joined(separator: "\n"))
        </div>
        </div>

        """
    }

    /// A column's title as a table head.
    private static func th(_ column: ExportColumn) -> String {
        HTMLText.escaped(column.title)
    }

    /// A column total; nil (printed empty) once it would overflow, since the amounts
    /// come from an office's files.
    private static func sum(_ total: Int?, _ amount: Int?) -> Int? {
        guard let total else { return nil }
        guard let amount else { return total }
        let (result, overflow) = total.addingReportingOverflow(amount)
        return overflow ? nil : result
    }
}
