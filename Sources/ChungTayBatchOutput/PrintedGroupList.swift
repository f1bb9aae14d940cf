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

    var title: String {
        "Danh sách Tổ " + (list.savingsGroup ?? "(không có tổ)")
    }

    var sheet: String {
        var html = "<section class=\"sheet\">\n"
        html += masthead
        html += "<h1>Danh sách hộ vay đến hạn, quá hạn và hộ đề nghị vay bổ sung</h1>\n"
        html += "<p class=\"subtitle\">Phiên giao dịch ngày \(list.asOf.vietnameseDescription)</p>\n"
        html += "<div class=\"fields\">"
        html += "<span>Tổ TK&amp;VV: <b>\(HTMLText.escaped(list.savingsGroup ?? "(không có tổ)"))</b></span>"
        html += "<span>Hội đoàn thể nhận ủy thác: <b>\(HTMLText.escaped(PrintedTerms.association(list.association) ?? ""))</b></span>"
        html += "<span>Xã: <b>\(HTMLText.escaped(commune))</b></span>"
        html += "<span>Ngày giao dịch: <b>\(list.asOf.vietnameseDescription)</b></span>"
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
        <div>NGÂN HÀNG CHÍNH SÁCH XÃ HỘI<br><b class="upper">Điểm giao dịch xã \(HTMLText.escaped(commune))</b><span class="rule"></span></div>
        <div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><span class="rule"></span></div>
        </div>

        """
    }

    private var borrowerTable: String {
        var html = "<h2>I. Hộ vay đến hạn, quá hạn</h2>\n"
        guard !list.borrowers.isEmpty else { return html + "<p class=\"none\">Không có hộ vay đến hạn hoặc quá hạn.</p>\n" }
        html += """
            <table class="form"><thead><tr>
            <th class="n">STT</th><th>Họ và tên chủ hộ</th><th>Thôn</th><th>Mã hộ</th><th>Mã khoản vay</th>
            <th>Ngày đến hạn</th><th>Số tiền đến hạn (đồng)</th><th>Số ngày quá hạn</th><th>Nợ gốc quá hạn (đồng)</th><th>Ghi chú</th>
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
            <th class="n">STT</th><th>Họ và tên chủ hộ</th><th>Thôn</th><th>Mã hộ</th><th>Diện hộ</th><th>Điểm ưu tiên</th>
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
        <p class="dateline">……………, ngày …… tháng …… năm ……</p>
        <div class="signatures">
        <div><b>TỔ TRƯỞNG TỔ TK&amp;VV</b><span class="hint">(Ký, ghi rõ họ tên)</span></div>
        <div><b>CÁN BỘ HỘI ĐOÀN THỂ</b><span class="hint">(Ký, ghi rõ họ tên)</span></div>
        <div><b>CÁN BỘ TÍN DỤNG</b><span class="hint">(Ký, ghi rõ họ tên)</span></div>
        </div>
        </div>

        """
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
