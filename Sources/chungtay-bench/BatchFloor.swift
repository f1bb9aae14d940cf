import ChungTayBatchInput
import ChungTayRules
import ChungTayWire
import Foundation

/// The reference floor for `scripts/bench-batch`: the same batch work in one thread of
/// one process with no messaging and no storage — read the lists (both passes), then for
/// every chunk run the three stages (decode, rules, encode) and splice the documents into
/// JSON Lines as a worker does. Households per second here, times the cores, is what the whole system
/// is measured against.
enum BatchFloor {
    static func run(households: String, loans: String?, asOf: String) throws {
        let rules = try RuleBook.bundled()
        let started = ContinuousClock.now
        let index = try ListIndex(households: households, loans: loans, concurrently: false)
        let planner = ChunkPlanner(index: index, batch: BatchHeader(id: "B000000", asOf: asOf, whatIf: false), chunkSize: 500)
        let chunks = try planner.chunks()
        let read = ContinuousClock.now - started
        var documents = 0
        var bytes = 0
        let common = ResultDocument.Common(taskId: 1, kind: "", batchId: "B000000", processedAt: Timestamp.now(), worker: "floor")
        while let chunk = try chunks.next() {
            var kind = chunk.stage.kind
            var payload = chunk.payload
            while true {
                let output = try BatchStage.run(kind: kind, payload: payload, rules: rules)
                let template = ResultDocument.Template(common)
                var lines = DocumentLines()
                for (position, body) in output.documents.enumerated() {
                    lines.append { template.write(body: body, position: position + 1, to: &$0) }
                }
                bytes += lines.bytes.count
                documents += output.documents.count
                guard let next = output.followUp else { break }
                kind = next.kind
                payload = next.payload
            }
        }
        let elapsed = (ContinuousClock.now - started).seconds
        report("floor: \(index.householdCount) households, \(index.loanCount) loans, \(documents) documents (\(bytes >> 20) MiB) "
            + "in \(String(format: "%.1f", elapsed)) s on one thread (reading both passes \(String(format: "%.1f", read.seconds)) s of it)")
        report("floor rate: \(Int(Double(index.householdCount) / elapsed)) households/s per core")
    }
}
