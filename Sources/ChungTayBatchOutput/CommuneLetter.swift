import ChungTayCoding

/// The letter to one commune office (RULES.md section 3: the recipients with channel
/// `letter`, by role and id, the id being the commune's current name): the formal
/// layout of an administrative letter (issuing body and Quốc hiệu side by side, place
/// and date, "Kính gửi", subject), a table of the office's notifications in the batch's
/// store order, and the signature block. One `section.sheet`, so the letters of a batch
/// can share a file and each still starts a page.
struct CommuneLetter {
    struct Row {
        /// The household code or loan id the notification is about.
        let subject: String?
        /// The household head's name, when the batch has the household's review.
        let headName: String?
        let message: String?
    }

    let role: String
    /// The commune's current name (for `transaction_office`, the id `transaction_office`).
    let id: String?
    let asOf: CivilDate
    let rows: [Row]

    var title: String {
        PrintedTerms.addressee(role: role, id: id)
    }

    var sheet: String {
        var html = "<section class=\"sheet\">\n"
        html += """
            <div class="masthead">
            <div>NGÂN HÀNG CHÍNH SÁCH XÃ HỘI<br><b>PHÒNG GIAO DỊCH</b><span class="rule"></span></div>
            <div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><span class="rule"></span></div>
            </div>
            <p class="dateline">……………, ngày …… tháng …… năm ……</p>
            <p class="subtitle"><i>\(HTMLText.escaped(PrintedTerms.letterSubject(role: role)))</i></p>
            <div class="salutation"><b>Kính gửi: \(HTMLText.escaped(title))</b></div>
            <p class="body">Qua kết quả rà soát danh sách hộ vay và hộ nghèo, hộ cận nghèo đến ngày \(asOf.vietnameseDescription), \
            Ngân hàng Chính sách xã hội xin thông báo \(rows.count) nội dung dưới đây để Quý cơ quan biết và phối hợp xử lý:</p>
            <table class="form"><thead><tr>
            <th class="n">STT</th><th>Mã hộ / khoản vay</th><th>Họ tên chủ hộ</th><th>Nội dung</th>
            </tr></thead>
            <tbody>

            """
        for (index, row) in rows.enumerated() {
            html += "<tr><td class=\"n\">\(index + 1)</td><td class=\"code\">\(HTMLText.escaped(row.subject))</td>"
            html += "<td class=\"name\">\(HTMLText.escaped(row.headName))</td><td>\(HTMLText.escaped(row.message))</td></tr>\n"
        }
        html += """
            </tbody></table>
            <div class="signoff">
            <p class="body">Trân trọng./.</p>
            <div class="signatures">
            <div style="text-align:left"><b><i>Nơi nhận:</i></b><br>- Như trên;<br>- Lưu.</div>
            <div></div>
            <div><b>GIÁM ĐỐC</b><span class="hint">(Ký, ghi rõ họ tên, đóng dấu)</span></div>
            </div>
            </div>
            </section>

            """
        return html
    }
}
