import ChungTayCoding

/// An `.xlsx` workbook (ECMA-376 SpreadsheetML) opened for reading: its sheet names and
/// date system come from `xl/workbook.xml` at open; a sheet's rows are then streamed with
/// `rows(ofSheet:)`, in memory independent of the sheet's size (only the shared-string
/// table is held whole, within `WorkbookLimits`).
///
/// Not `Sendable`: one reader at a time. Each `rows(ofSheet:)` opens its own stream over
/// the file, so a sheet can be read twice (a header pass, then a conversion pass).
public final class Workbook {
    /// The sheets in workbook order.
    public var sheetNames: [String] { sheets.map(\.name) }
    /// The sheets Excel does not show (`state="hidden"`, or `"veryHidden"`, which only a
    /// macro can show), by their names in `sheetNames`. A state other than `visible` is
    /// taken as hidden: ECMA-376 (`ST_SheetState`) allows no other.
    public var hiddenSheetNames: Set<String> { Set(sheets.lazy.filter(\.isHidden).map(\.name)) }
    /// Whether date serials count from 1904-01-01 (`<workbookPr date1904="1"/>`, old Mac
    /// workbooks) rather than from 1900.
    public let usesDate1904: Bool

    private struct Sheet {
        var name: String
        /// The sheet's part; nil for a chart or dialog sheet.
        var part: String?
        var isHidden: Bool
    }

    /// The longest sheet name taken, in UTF-8 bytes (the bound batch items keep too).
    static let maximumSheetNameBytes = 255

    private let archive: ZipArchive
    private let limits: WorkbookLimits
    private let sheets: [Sheet]
    private let sharedStringsPart: String?
    private let stylesPart: String?
    private var sharedStrings: SharedStrings?
    private var styles: CellStyles?

    public init(path: String, limits: WorkbookLimits = WorkbookLimits()) throws(WorkbookError) {
        self.limits = limits
        archive = try ZipArchive(path: path, limits: limits)
        // The workbook part is the package's office document (ECMA-376 Part 2 §9.3): almost
        // always xl/workbook.xml, which is also what a package without root relationships gets.
        var workbookPart = "xl/workbook.xml"
        if let rootTokenizer = try Self.tokenizer(for: "_rels/.rels", in: archive, limits: limits) {
            let root = try Relationships(reading: rootTokenizer, source: "")
            workbookPart = root.target(ofTypeEndingWith: "officeDocument") ?? workbookPart
        }
        let relationships = try Self.tokenizer(for: PartPath.relationships(of: workbookPart), in: archive, limits: limits)
            .map { (tokenizer) throws(WorkbookError) in try Relationships(reading: tokenizer, source: workbookPart) } ?? Relationships()
        guard let workbookTokenizer = try Self.tokenizer(for: workbookPart, in: archive, limits: limits) else {
            throw archive.entries.isEmpty ? .notAnArchive("an empty ZIP archive") : .missingPart(workbookPart)
        }
        var usesDate1904 = false
        var sheets: [Sheet] = []
        var sheetOfPart: [[UInt8]: String] = [:]
        while true {
            switch try workbookTokenizer.next() {
            case .start where workbookTokenizer.isNamed("workbookPr"):
                if let value = try workbookTokenizer.attribute("date1904") {
                    usesDate1904 = XMLTokenizer.equal(value, "1") || XMLTokenizer.equal(value, "true")
                }
            case .start where workbookTokenizer.isNamed("sheet"):
                guard let name = try workbookTokenizer.attribute("name").map(XMLText.string), !name.isEmpty else {
                    throw .invalidContent(part: workbookPart, reason: "a sheet without a name")
                }
                // Excel's names have at most 31 characters; every name is held and listed in messages.
                guard name.utf8.count <= Self.maximumSheetNameBytes else {
                    throw .invalidContent(
                        part: workbookPart, reason: "a sheet name longer than \(Self.maximumSheetNameBytes) bytes (\"\(name.prefix(31))…\")")
                }
                guard let id = try workbookTokenizer.attribute("id").map(XMLText.string),
                    let relationship = relationships.byId[id]
                else {
                    throw .invalidContent(part: workbookPart, reason: "the sheet \"\(name)\" has no part")
                }
                guard sheets.count < limits.maximumSheets else {
                    throw .limitExceeded(part: workbookPart, what: "sheets", limit: limits.maximumSheets)
                }
                let isHidden = try workbookTokenizer.attribute("state").map { !XMLTokenizer.equal($0, "visible") } ?? false
                let isWorksheet = relationship.type.hasSuffix("/worksheet")
                // Two sheets reading one part would let a small part be read once per sheet.
                if isWorksheet, let other = sheetOfPart.updateValue(name, forKey: PartPath.key(relationship.target)) {
                    throw .invalidContent(
                        part: workbookPart, reason: "the sheets \"\(other)\" and \"\(name)\" are the same part \(relationship.target)")
                }
                sheets.append(Sheet(name: UnicodeText.nfc(name), part: isWorksheet ? relationship.target : nil, isHidden: isHidden))
            case .endOfDocument:
                self.usesDate1904 = usesDate1904
                self.sheets = sheets
                sharedStringsPart = relationships.target(ofTypeEndingWith: "sharedStrings")
                stylesPart = relationships.target(ofTypeEndingWith: "styles")
                return
            default:
                continue
            }
        }
    }

    /// The rows of the sheet named `name`: the exact name, else the one name equal in NFC
    /// and ignoring case (Excel treats sheet names case-insensitively).
    public func rows(ofSheet name: String) throws(WorkbookError) -> SheetRows {
        let folded = UnicodeText.nfc(name).lowercased()
        guard let sheet = sheets.first(where: { $0.name == name }) ?? sheets.first(where: { $0.name.lowercased() == folded }) else {
            throw .noSuchSheet(name: name, available: sheetNames)
        }
        guard let part = sheet.part else { throw .notAWorksheet(name: sheet.name) }
        guard let tokenizer = try Self.tokenizer(for: part, in: archive, limits: limits) else { throw .missingPart(part) }
        return SheetRows(tokenizer: tokenizer, sharedStrings: try loadSharedStrings(), styles: try loadStyles(), limits: limits)
    }

    /// Read at the first sheet opened, then kept for the others.
    private func loadSharedStrings() throws(WorkbookError) -> SharedStrings {
        if let sharedStrings { return sharedStrings }
        var table = SharedStrings()
        if let part = sharedStringsPart, let tokenizer = try Self.tokenizer(for: part, in: archive, limits: limits) {
            table = try SharedStrings(reading: tokenizer, limits: limits)
        }
        sharedStrings = table
        return table
    }

    private func loadStyles() throws(WorkbookError) -> CellStyles {
        if let styles { return styles }
        var table = CellStyles()
        if let part = stylesPart, let tokenizer = try Self.tokenizer(for: part, in: archive, limits: limits) {
            table = try CellStyles(reading: tokenizer, limits: limits)
        }
        styles = table
        return table
    }

    /// A tokenizer over the part; nil when the archive has no such entry.
    private static func tokenizer(for part: String, in archive: ZipArchive, limits: WorkbookLimits) throws(WorkbookError) -> XMLTokenizer? {
        guard let entry = archive.entry(named: part) else { return nil }
        return XMLTokenizer(source: try archive.open(entry), limits: limits)
    }
}
