/// What a batch reads for one list: the file as given (a machine CSV or JSON Lines file),
/// or the spool `ListPreparation` wrote for an office file. `ListIndex` and
/// `ChunkPlanner` open it again by this, so both passes read the same thing.
public struct ListSource: Sendable, Equatable {
    /// The file `RecordReader` reads.
    public let path: String
    /// The name items carry (`file`): the office file's last path component for a spool.
    public let file: String
    /// The workbook sheet a spool's records come from, which items carry as `sheet`.
    public let sheet: String?
    /// JSON Lines written by `ListPreparation` (docs/BATCH.md "Office lists").
    public let isSpool: Bool

    /// How messages name the list: the path given, or the office file's name for a spool
    /// (its path is a temporary file nobody knows).
    public var shownPath: String { isSpool ? file : path }

    /// A machine file, read as it is.
    public init(path: String) {
        self.path = path
        file = path.split(separator: "/").last.map(String.init) ?? path
        sheet = nil
        isSpool = false
    }

    /// A spool of the office file named `file` (and `sheet`).
    package init(spool path: String, file: String, sheet: String?) {
        self.path = path
        self.file = file
        self.sheet = sheet
        isSpool = true
    }
}
