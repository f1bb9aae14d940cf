/// Where in an input file reading a batch record failed: the file, the 1-based line and
/// the 1-based column, as the `record_unreadable` message names them (docs/BATCH.md).
struct InputPosition: Sendable, Equatable {
    let file: String
    let line: Int
    let column: Int
}
