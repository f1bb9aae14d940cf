import ChungTayCoding
import ChungTayWire

/// `/status.json`, what the status page draws: the STATUS-REPORT document as the
/// dispatcher sent it, and each batch's progress and the two summaries the page charts
/// (households by commune and class, loans by status).
///
/// Only counts and the names of communes, classes and statuses: a batch's counters never
/// hold a household's personal data (docs/BATCH.md), and the batch's audit record
/// (who submitted it, the input paths) is left out.
enum StatusPageData {
    static func encode(_ snapshot: DispatcherView.Snapshot, logTail: Bool) -> [UInt8] {
        var writer = JSONWriter(capacity: 4096 + snapshot.statusJSON.count)
        writer.openObject()
        writer.key("status"); writer.raw(snapshot.statusJSON[...])
        writer.key("logTail"); writer.bool(logTail)
        writer.key("batches")
        writer.openArray()
        for batch in snapshot.batches {
            writer.openObject()
            writer.key("id"); writer.string(batch.id)
            writer.key("name"); writer.string(batch.name)
            writer.key("state"); writer.string(batch.state)
            writer.key("households"); writer.integer(batch.households)
            writer.key("loans"); writer.integer(batch.loans)
            writer.key("queued"); writer.integer(batch.jobs.queued)
            writer.key("completed"); writer.integer(batch.jobs.completed)
            writer.key("dead"); writer.integer(batch.jobs.dead)
            writer.key("byCommune"); counts(batch.summary, "byCommune", into: &writer)
            writer.key("loansByStatus"); counts(batch.summary, "loansByStatus", into: &writer)
            writer.closeObject()
        }
        writer.closeArray()
        writer.closeObject()
        return writer.finish()
    }

    static func encode(error: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("error"); writer.string(error)
        writer.closeObject()
        return writer.finish()
    }

    /// The summary's `section` as nested objects of counts, as CounterTree encodes it (`{}`
    /// when the batch has none).
    private static func counts(_ summary: CounterTree, _ section: String, into writer: inout JSONWriter) {
        guard case .node(let sections) = summary, let tree = sections[section],
              let json = try? ReplyJSON.encode(tree, escapingSlashes: false) else {
            writer.openObject()
            writer.closeObject()
            return
        }
        writer.raw(json[...])
    }
}
