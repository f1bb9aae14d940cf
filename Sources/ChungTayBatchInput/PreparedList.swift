import Foundation

/// A list ready for pass 1: what to read, what was detected, and, for an office file, the
/// private directory holding its spool, removed when the last reference goes (the end of
/// `batch submit`), so no converted copy of a list outlives the run that needed it.
public final class PreparedList: Sendable {
    public let source: ListSource
    /// What was detected, for a line on standard error before pass 1; nil for a machine file.
    public let statement: String?
    /// The spool's directory (mode 0700), owned by this object.
    let directory: SpoolDirectory?

    init(source: ListSource, statement: String?, directory: SpoolDirectory?) {
        self.source = source
        self.statement = statement
        self.directory = directory
    }
}
