import ChungTayStore
import Foundation

/// A fixture's segments as a dispatcher leaves them: the export reads a segment only up
/// to the end its journal has committed.
enum CommittedEnds {
    /// Records `ends` (by path relative to `DATA/store`) in `data`'s journal, as the
    /// dispatcher's commit of those appends does.
    static func record(_ ends: [String: Int64], in data: URL) throws {
        let journal = try JobJournal(path: DataDirectory(root: data).journalPath)
        var commit = JournalCommit(now: Date())
        commit.segmentEnds = ends
        _ = try journal.commit(commit)
    }
}
