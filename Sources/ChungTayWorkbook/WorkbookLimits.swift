/// The bounds a workbook must keep to be read. A file from outside decides every size in
/// it, so each structure the reader builds or each stretch of bytes it works through has
/// a limit, and a file past one is refused with `WorkbookError.limitExceeded` naming it.
/// The defaults let a real 1,000,000-row sheet through.
public struct WorkbookLimits: Sendable {
    /// Inflated bytes of one part. A million-row sheet of thirty columns is about 2 GB of XML.
    public var maximumPartBytes = 8 << 30
    /// Inflated bytes per compressed byte of one part, checked for parts over
    /// `compressionRatioFloor`: a zip bomb inflates a thousandfold, sheet XML about
    /// ten- to fiftyfold.
    public var maximumCompressionRatio = 200
    public var compressionRatioFloor = 16 << 20
    /// Entries in the archive and bytes of its central directory.
    public var maximumEntries = 65_536
    public var maximumCentralDirectoryBytes = 64 << 20
    /// The shared-string table, the one structure held whole: its bytes (UTF-8) and strings.
    public var maximumSharedStringBytes = 512 << 20
    public var maximumSharedStrings = 16 << 20
    /// Sheets in the workbook and cell formats (`cellXfs`) in its styles.
    public var maximumSheets = 4_096
    public var maximumCellFormats = 1 << 20
    /// XML: element nesting, bytes of one name, attributes on one element, and bytes of
    /// one token (a tag with its attributes, a run of text, a comment).
    public var maximumXMLDepth = 64
    public var maximumXMLNameBytes = 512
    public var maximumXMLAttributes = 64
    public var maximumXMLTokenBytes = 1 << 20
    /// Text bytes of one row's cells together: a row of 16,384 cells of 32,767 characters
    /// each would be 2 GB of strings.
    public var maximumRowTextBytes = 16 << 20

    public init() {}
}
