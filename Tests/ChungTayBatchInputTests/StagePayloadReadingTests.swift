import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import ChungTaySampleData
import ChungTayWire
import Foundation
import Testing

/// Stage B checks the review notices stage A wrote byte by byte instead of reading them
/// (`ParsedPayload(_:for:)`) and hands them on as those bytes: on a generated batch with
/// broken records, every chunk's stages must give what reading every list gives, byte for byte.
@Suite struct StagePayloadReadingTests {
    @Test func checkingTheHandedOnNoticesChangesNoOutput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stage-payload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try SampleDataSet(households: 1_500, seed: 17, badRate: 0.02).write(to: directory)
        let index = try ListIndex(
            households: directory.appendingPathComponent("households.csv").path,
            loans: directory.appendingPathComponent("loans.csv").path, concurrently: false)
        let planner = ChunkPlanner(index: index, batch: BatchHeader(id: "B1", asOf: "2026-11-27", whatIf: false), chunkSize: 500)
        let rules = try RuleBook.bundled()
        let chunks = try planner.chunks()
        var chunkCount = 0
        var stageBPayloads = 0
        while let chunk = try chunks.next() {
            chunkCount += 1
            var kind = chunk.stage.kind
            var payload = chunk.payload
            while true {
                let read = try BatchStage.run(kind: kind, payload: ParsedPayload(payload), rules: rules)
                let checked = try BatchStage.run(kind: kind, payload: payload, rules: rules)
                #expect(checked.documents == read.documents)
                #expect(checked.keys == read.keys)
                #expect(checked.counters == read.counters)
                #expect(checked.outbox == read.outbox)
                #expect(checked.followUp == read.followUp)
                if kind == .loanStatus {
                    // The notices go on as the bytes stage A wrote (a table, or `[]` for loans outside the list).
                    let reviews = try #require(try ParsedPayload(payload, for: kind).canonicalBytes(of: "reviews"))
                    #expect(checked.followUp.map { String(decoding: $0.payload, as: UTF8.self).contains(String(decoding: reviews, as: UTF8.self)) } == true)
                    stageBPayloads += 1
                }
                guard let next = read.followUp else { break }
                kind = next.kind
                payload = next.payload
            }
        }
        // Every chunk reaches stage B: three of households, one of loans outside the list.
        #expect(chunkCount == 4 && stageBPayloads == chunkCount)
    }
}
