/// Which cell formats (`cellXfs` in `xl/styles.xml`) show a number as a date: Excel stores
/// a date as a serial number and only the format says it is one (ECMA-376 §18.8.30).
package struct CellStyles: Sendable {
    /// Indexed by the cell's `s` attribute.
    private var dateFormats: [Bool] = []
    /// Indexed like `dateFormats`: the digits a zero-padding format (`000000000000`) shows
    /// at least, 0 for any other format.
    private var paddedDigits: [Int] = []

    package init() {}

    package init(reading tokenizer: XMLTokenizer, limits: WorkbookLimits) throws(WorkbookError) {
        var formatIds: [Int] = []
        var customDateFormats: [Int: Bool] = [:]
        var customPaddedDigits: [Int: Int] = [:]
        var cellXfsDepth: Int?
        var numFmtsDepth: Int?
        while true {
            switch try tokenizer.next() {
            // Only the table's own formats: a `dxf` (conditional formatting) has `numFmt`s too,
            // whose ids may repeat a table format's with another code.
            case .start where tokenizer.isNamed("numFmts") && tokenizer.depth == 2:
                numFmtsDepth = tokenizer.depth
            case .start where tokenizer.isNamed("numFmt") && numFmtsDepth.map({ tokenizer.depth == $0 + 1 }) == true:
                guard let id = try tokenizer.attribute("numFmtId").flatMap(SharedStrings.integer) else { continue }
                let code = try tokenizer.attribute("formatCode").map(Array.init) ?? []
                guard customDateFormats.count < limits.maximumCellFormats else {
                    throw .limitExceeded(part: tokenizer.partName, what: "number formats", limit: limits.maximumCellFormats)
                }
                customDateFormats[id] = Self.isDateFormatCode(code)
                customPaddedDigits[id] = Self.zeroPaddingDigits(code)
            case .start where tokenizer.isNamed("cellXfs") && tokenizer.depth == 2:
                cellXfsDepth = tokenizer.depth
            case .start where tokenizer.isNamed("xf") && cellXfsDepth.map({ tokenizer.depth == $0 + 1 }) == true:
                guard formatIds.count < limits.maximumCellFormats else {
                    throw .limitExceeded(part: tokenizer.partName, what: "cell formats", limit: limits.maximumCellFormats)
                }
                formatIds.append(try tokenizer.attribute("numFmtId").flatMap(SharedStrings.integer) ?? 0)
            case .end:
                if let depth = cellXfsDepth, tokenizer.depth < depth { cellXfsDepth = nil }
                if let depth = numFmtsDepth, tokenizer.depth < depth { numFmtsDepth = nil }
            case .start, .text:
                continue
            case .endOfDocument:
                dateFormats = formatIds.map { customDateFormats[$0] ?? Self.isBuiltInDateFormat($0) }
                paddedDigits = formatIds.map { customPaddedDigits[$0] ?? 0 }
                return
            }
        }
    }

    /// Whether the cell format with this index shows dates; false for an index that does
    /// not exist (as Excel falls back to the default format).
    package func isDate(style: Int) -> Bool {
        style >= 0 && style < dateFormats.count && dateFormats[style]
    }

    /// The digits a number in the cell format with this index shows at least, when its
    /// format is a custom one of zeros only (Excel's way to keep a code's leading zeros,
    /// `000000000000`); nil for any other format or an index that does not exist.
    package func minimumDigits(style: Int) -> Int? {
        guard style >= 0, style < paddedDigits.count, paddedDigits[style] > 0 else { return nil }
        return paddedDigits[style]
    }

    /// The number of zeros in a format code of zeros only (at most 30), optionally
    /// followed by a text section `;@`; 0 for any other code.
    static func zeroPaddingDigits(_ code: [UInt8]) -> Int {
        var digits = code[...]
        if digits.count >= 2, digits.suffix(2).elementsEqual([UInt8(ascii: ";"), UInt8(ascii: "@")]) { digits = digits.dropLast(2) }
        guard (1...30).contains(digits.count), digits.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return 0 }
        return digits.count
    }

    /// The built-in formats that are dates or times (ECMA-376 §18.8.30): 14–22 (`m/d/yyyy`
    /// … `m/d/yyyy h:mm`) and 45–47 (`mm:ss`, `[h]:mm:ss`, `mmss.0`).
    static func isBuiltInDateFormat(_ id: Int) -> Bool {
        (14...22).contains(id) || (45...47).contains(id)
    }

    /// Whether a custom format code shows a date or time: a d, m, y or h (either case)
    /// outside quoted literals, `[…]` (colours, conditions, locales), and the characters
    /// that `\`, `_` and `*` make literal.
    static func isDateFormatCode(_ code: [UInt8]) -> Bool {
        var index = 0
        var quoted = false
        while index < code.count {
            let byte = code[index]
            if quoted {
                if byte == UInt8(ascii: "\"") { quoted = false }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                quoted = true
            case UInt8(ascii: "\\"), UInt8(ascii: "_"), UInt8(ascii: "*"):
                index += 1
            case UInt8(ascii: "["):
                while index < code.count && code[index] != UInt8(ascii: "]") { index += 1 }
            default:
                switch byte | 0x20 {
                case UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "y"), UInt8(ascii: "h"): return true
                default: break
                }
            }
            index += 1
        }
        return false
    }
}
