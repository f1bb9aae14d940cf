import Foundation

/// A list ready for pass 1: what to read, what was detected, and, for an office file, its
/// spool, a file with no name on disk that is freed when the last reference goes (the end
/// of `batch submit`) or the process ends however it ends, so no converted copy of a list
/// outlives the run that needed it.
public final class PreparedList: Sendable {
    public let source: ListSource
    /// What was detected, for a line on standard error before pass 1; nil for a machine file.
    public let statement: String?
    /// What, besides the file's bytes, decided the spool's bytes: the sheet, encoding,
    /// delimiter and number locale chosen (detected or given), for the batch's identity
    /// (`batch submit` adds it to the input's fingerprint, so another sheet or reading of
    /// the same file is another batch): the statement, which names all of these; nil for a
    /// machine file, read as it is.
    public var choices: String? { source.isSpool ? statement : nil }
    /// The spool `source` reads, kept open by this object.
    let spool: SpoolFile?

    init(source: ListSource, statement: String?, spool: SpoolFile?) {
        self.source = source
        self.statement = statement
        self.spool = spool
    }
}
