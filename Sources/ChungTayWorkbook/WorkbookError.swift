import Foundation

/// Why a workbook or one of its parts cannot be read. Descriptions name the part
/// (`xl/worksheets/sheet1.xml`) and, for cells, the cell, so a person can find the place.
public enum WorkbookError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case readFailed(path: String, errno: Int32)
    /// The file is not a ZIP archive (say, an old `.xls`, or a password-protected workbook,
    /// which Excel stores as an OLE compound file): what was found.
    case notAnArchive(String)
    /// The archive's directory is damaged or inconsistent (entries overlapping, offsets past
    /// the end, several disks, names twice).
    case damagedArchive(String)
    /// A part the workbook needs is not in the archive.
    case missingPart(String)
    /// An entry stored in a way this reader does not take (encrypted, another method).
    case unsupportedEntry(part: String, reason: String)
    /// An entry whose data is damaged: bad deflate data, a CRC or size that differs.
    case damagedEntry(part: String, reason: String)
    /// Something in the part exceeds a `WorkbookLimits` bound.
    case limitExceeded(part: String, what: String, limit: Int)
    /// The part is not well-formed XML (byte offset in the inflated part).
    case malformedXML(part: String, offset: Int, reason: String)
    /// Well-formed XML that breaks the workbook format (a cell reference out of range, a
    /// shared string that does not exist, rows out of order).
    case invalidContent(part: String, reason: String)
    case noSuchSheet(name: String, available: [String])
    /// The sheet is a chart sheet or dialog sheet, which has no cells.
    case notAWorksheet(name: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            return "cannot open \(path): \(String(cString: strerror(code)))"
        case .readFailed(let path, let code):
            return "cannot read \(path): \(String(cString: strerror(code)))"
        case .notAnArchive(let reason):
            return "not an .xlsx workbook: \(reason)"
        case .damagedArchive(let reason):
            return "damaged .xlsx archive: \(reason)"
        case .missingPart(let part):
            return "\(part): missing from the workbook"
        case .unsupportedEntry(let part, let reason):
            return "\(part): \(reason)"
        case .damagedEntry(let part, let reason):
            return "\(part): damaged: \(reason)"
        case .limitExceeded(let part, let what, let limit):
            return "\(part): \(what) over the limit of \(limit)"
        case .malformedXML(let part, let offset, let reason):
            return "\(part): not well-formed XML at byte \(offset): \(reason)"
        case .invalidContent(let part, let reason):
            return "\(part): \(reason)"
        case .noSuchSheet(let name, let available):
            return "no sheet named \"\(name)\" (sheets: \(available.map { "\"\($0)\"" }.joined(separator: ", ")))"
        case .notAWorksheet(let name):
            return "sheet \"\(name)\" is a chart or dialog sheet, not a worksheet with cells"
        }
    }
}
