import ChungTayCoding
import ChungTayWorkbook

/// `workbook-xml`: bytes tokenized as a workbook part. The first input byte chooses what
/// reads them (bits 0–1: the XML tokenizer alone, the shared-string table, the styles, or
/// a sheet's rows), the second how many bytes each read of the source returns (1…256);
/// the rest is the part.
///
/// Properties: the result (events, strings, rows, or the error) does not depend on how the
/// bytes arrive; start and end tags balance; rows rise, cells rise within their row and
/// stay inside the sheet; text cells are non-empty NFC.
enum WorkbookXMLTarget {
    static let target = FuzzTarget(name: "workbook-xml", run: run, seeds: seeds)

    static let limits: WorkbookLimits = {
        var limits = WorkbookLimits()
        limits.maximumXMLTokenBytes = 8 << 10
        limits.maximumXMLDepth = 24
        limits.maximumSharedStrings = 1024
        limits.maximumSharedStringBytes = 64 << 10
        limits.maximumCellFormats = 1024
        limits.maximumRowTextBytes = 64 << 10
        return limits
    }()

    /// Shared strings and styles the sheet mode reads cells against.
    static let sheetStrings: SharedStrings = {
        let xml = "<sst><si><t>Mã hộ</t></si><si><t>x</t></si><si><t/></si></sst>"
        return (try? SharedStrings(reading: XMLTokenizer(source: MemoryByteSource(Array(xml.utf8))), limits: limits)) ?? SharedStrings()
    }()

    static let sheetStyles: CellStyles = {
        let xml = "<styleSheet><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"
        return (try? CellStyles(reading: XMLTokenizer(source: MemoryByteSource(Array(xml.utf8))), limits: limits)) ?? CellStyles()
    }()

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard input.count >= 2 else { return }
        let part = Array(input.dropFirst(2))
        let chunk = Int(input[1]) + 1
        let mode = input[0] & 3
        let whole = outcome(mode: mode, part: part, chunkSize: .max)
        let split = outcome(mode: mode, part: part, chunkSize: chunk)
        try check(whole == split, "read whole: \(whole.prefix(400)); read \(chunk) bytes at a time: \(split.prefix(400))")
        if mode == 3 {
            let tokenizer = XMLTokenizer(source: MemoryByteSource(part, partName: "sheet", chunkSize: chunk), limits: limits)
            try checkRows(SheetRows(tokenizer: tokenizer, sharedStrings: sheetStrings, styles: sheetStyles, limits: limits))
        }
    }

    /// What reading the part gives, as text to compare.
    private static func outcome(mode: UInt8, part: [UInt8], chunkSize: Int) -> String {
        let tokenizer = XMLTokenizer(source: MemoryByteSource(part, partName: "part", chunkSize: chunkSize), limits: limits)
        var result = ""
        do throws(WorkbookError) {
            switch mode {
            case 0:
                var starts = 0
                var ends = 0
                loop: while true {
                    switch try tokenizer.next() {
                    case .start:
                        starts += 1
                        result += "<\(String(decoding: tokenizer.localName, as: UTF8.self))"
                        if let r = try tokenizer.attribute("r") { result += " r=\(String(decoding: r, as: UTF8.self))" }
                        result += ">"
                    case .end:
                        ends += 1
                        result += "</\(String(decoding: tokenizer.localName, as: UTF8.self))>"
                    case .text:
                        result += "[\(String(decoding: try tokenizer.text(), as: UTF8.self))]"
                    case .endOfDocument:
                        if starts != ends || tokenizer.depth != 0 { result += " UNBALANCED \(starts) \(ends)" }
                        break loop
                    }
                }
            case 1:
                let strings = try SharedStrings(reading: tokenizer, limits: limits)
                result = (0..<strings.count).map { strings.string(at: $0) ?? "?" }.joined(separator: "|")
            case 2:
                let styles = try CellStyles(reading: tokenizer, limits: limits)
                result = (0..<64).map { styles.isDate(style: $0) ? "d" : "-" }.joined()
            default:
                let rows = SheetRows(tokenizer: tokenizer, sharedStrings: sheetStrings, styles: sheetStyles, limits: limits)
                while let row = try rows.next() { result += "\(row)\n" }
            }
        } catch {
            return result + " ERROR \(error)"
        }
        return result
    }

    /// Reads every row, checking order, ranges and text; errors end the reading.
    static func checkRows(_ rows: SheetRows) throws(FuzzFailure) {
        var previous = 0
        while true {
            guard let row = try? rows.next() else { return }
            try check(row.number > previous && row.number <= CellReference.maximumRow, "row \(row.number) after row \(previous)")
            try check(!row.cells.isEmpty, "row \(row.number) has no cells")
            var column = 0
            for cell in row.cells {
                try check(cell.column > column && cell.column <= CellReference.maximumColumn, "cell column \(cell.column) after \(column)")
                if case .text(let text) = cell.value {
                    try check(!text.isEmpty && UnicodeText.nfc(text) == text, "text cell \(cell.column) of row \(row.number) empty or not NFC")
                }
                column = cell.column
            }
            previous = row.number
        }
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let sheet = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><r><t>Nguyễn </t></r><r><t>Văn</t></r><rPh><t>x</t></rPh></is></c></row>\
            <row r="4"><c r="A4"><v>40.799999999999997</v></c><c r="B4" s="1"><v>45839</v></c><c r="C4" t="b"><v>1</v></c>\
            <c r="D4" t="e"><v>#N/A</v></c><c r="E4" t="str"><f>A1</f><v>a &amp; b _x000D_</v></c><c r="F4" t="d"><v>2025-07-01</v></c></row>\
            <row><c><v>1</v></c><c><v>-2.5E-3</v></c></row></sheetData><mergeCells count="0"/></worksheet>
            """
        let sharedStrings = """
            <sst count="3" uniqueCount="3"><si><t>Mã hộ</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">Tra\u{0302}\u{0300}n </t></r>\
            <r><t>&#x1EA0;&#7841;</t></r><rPh sb="0" eb="1"><t>ア</t></rPh></si><si><t><![CDATA[<b>]]></t></si></sst>
            """
        let styles = """
            <styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="&quot;d&quot;0"/></numFmts>\
            <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/></cellXfs></styleSheet>
            """
        let markup = "<?xml version=\"1.0\"?><!-- c --><x:a xmlns:x=\"u\" x:r='1'><b/>t&lt;&#65;<![CDATA[]]>\r\n<?p?></x:a>"
        for (name, mode, text) in [
            ("tokens", 0, markup), ("tokens-sheet", 0, sheet), ("shared-strings", 1, sharedStrings), ("styles", 2, styles), ("sheet", 3, sheet),
        ] as [(String, UInt8, String)] {
            seeds.add(name, [mode, 255] + Array(text.utf8))
            seeds.add(name + "-bytewise", [mode, 0] + Array(text.utf8))
        }
        seeds.add("doctype", [0, 7] + Array("<!DOCTYPE a [<!ENTITY b \"c\">]><a>&b;</a>".utf8))
        seeds.add("deep", [0, 15] + Array((String(repeating: "<a>", count: 30) + String(repeating: "</a>", count: 30)).utf8))
        seeds.add("unbalanced", [3, 3] + Array("<worksheet><sheetData><row><c></row></sheetData></worksheet>".utf8))
        seeds.add("rows-falling", [3, 31] + Array("<worksheet><sheetData><row r=\"5\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row></sheetData></worksheet>".utf8))
        return seeds.seeds
    }
}
