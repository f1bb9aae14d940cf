/// The shell and print CSS of a printed form. Forms go to an office printer on A4
/// (group lists in landscape: ten columns do not fit a portrait row in a readable
/// size), in Times New Roman as the bank's forms are set (with serif fonts that carry
/// Vietnamese diacritics as fallbacks), bordered tables whose header row repeats on
/// every page, rows never split across pages, and each `section.sheet` starting a new
/// page, so the file of all groups prints as one sheet per group. The closing block
/// (date line, signatures) is kept whole on one page. A block that can start a page (a
/// sheet, the closing block) starts with a little padding, not a margin (margins vanish
/// at a page break): without it Chromium has been seen (with the DejaVu fonts, before
/// Liberation Serif was installed) to paint the part of a tall mark that rises above
/// the block's first line ("Ủ" in "CHỦ NGHĨA", "Ố" in "GIÁM ĐỐC") at the foot of the
/// page before, so the word lost its mark.
enum PrintStyle {
    enum Orientation: String {
        case portrait
        case landscape
    }

    static func document(title: String, orientation: Orientation, sheets: [String]) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <title>\(HTMLText.escaped(title))</title>
            <style>
            \(css(orientation))
            </style>
            </head>
            <body>

            """
        for sheet in sheets { html += sheet }
        html += "</body>\n</html>\n"
        return html
    }

    private static func css(_ orientation: Orientation) -> String {
        """
        @page { size: A4 \(orientation.rawValue); margin: 15mm 12mm 15mm 15mm; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 11.5pt; color: #000; margin: 0; }
        section.sheet { break-before: page; page-break-before: always; padding-top: 6pt; }
        section.sheet:first-of-type { break-before: auto; page-break-before: auto; }
        .masthead { display: flex; justify-content: space-between; align-items: flex-start; }
        .masthead > div { text-align: center; line-height: 1.35; }
        .masthead .rule { display: block; width: 40%; margin: 4pt auto 0; border-top: 0.8pt solid #000; }
        .upper { text-transform: uppercase; }
        h1 { font-size: 13.5pt; text-align: center; margin: 12pt 0 4pt; text-transform: uppercase; }
        h2 { font-size: 12pt; margin: 10pt 0 4pt; }
        .subtitle { text-align: center; margin: 0 0 8pt; }
        .fields { margin: 6pt 0 8pt; line-height: 1.5; }
        .fields span { margin-right: 24pt; }
        table.form { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; }
        table.form th, table.form td { border: 0.8pt solid #000; padding: 2.5pt 4pt; vertical-align: top; }
        table.form th { font-weight: bold; text-align: center; background: #eee; }
        table.form thead { display: table-header-group; }
        table.form tfoot { display: table-row-group; }
        table.form tr { break-inside: avoid; page-break-inside: avoid; }
        td.n, th.n { text-align: center; width: 2.2em; }
        td.num { text-align: right; white-space: nowrap; }
        td.code, td.date, td.village, td.note { white-space: nowrap; }
        td.name { min-width: 9em; }
        tr.total td { font-weight: bold; }
        .none { font-style: italic; margin: 2pt 0 8pt; }
        .dateline { text-align: right; font-style: italic; margin: 8pt 0 4pt; }
        .signoff { break-inside: avoid; page-break-inside: avoid; padding-top: 6pt; }
        .signatures { display: flex; justify-content: space-around; margin-top: 4pt; }
        .signatures > div { text-align: center; width: 32%; min-height: 90pt; }
        .signatures .hint { font-style: italic; font-weight: normal; display: block; }
        .salutation { margin: 14pt 0 6pt 10%; }
        .salutation div { margin-left: 5.5em; }
        p.body { text-indent: 2em; text-align: justify; margin: 4pt 0; line-height: 1.45; }
        """
    }
}
