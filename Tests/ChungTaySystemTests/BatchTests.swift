#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayClient
import ChungTayWire
import Foundation
import Testing

/// The kinds of the batch pipeline, served by every batch test's workers.
let pipelineKinds = "household.review,loan.status,notify.emit"

extension Sandbox {
    /// `chungtay demo-data` into `DIR/input`; returns the directory.
    func demoData(households: Int, seed: Int, badRate: Double) throws -> URL {
        let directory = root.appendingPathComponent("input-\(seed)")
        let made = try cli(["demo-data", "--households", String(households), "--seed", String(seed), "--out", directory.path,
                            "--bad-rate", String(badRate)])
        #expect(made.status == 0, "\(made)")
        return directory
    }

    func batchStatus(_ reference: String, endpoint: String) throws -> BatchStatus {
        try DispatcherClient(endpoint: endpoint, timeout: .seconds(10)).batchStatus(reference).status
    }

    /// The stored documents of one batch, by kind.
    func batchDocuments(_ kind: String, batch: String, hostileWorkersServed: Bool = false) -> [[String: Any]] {
        storeDocuments(kind: kind, hostileWorkersServed: hostileWorkersServed).filter { $0["batchId"] as? String == batch }
    }

    /// `batch submit` of a `demoData` list in chunks of 5 households: many small tasks, so
    /// a test can stop, kill or copy the dispatcher while most of the batch is still to do.
    func submitInSmallChunks(_ input: URL, name: String, endpoint: String, wait: Bool) throws -> CommandResult {
        try cli([
            "batch", "submit", "--households", input.appendingPathComponent("households.csv").path,
            "--loans", input.appendingPathComponent("loans.csv").path, "--as-of", "2026-11-27", "--name", name,
            "--chunk-size", "5", "--connect", endpoint,
        ] + (wait ? ["--wait"] : []), timeout: .seconds(180))
    }

    /// Every document of the three pipeline stores without the fields that differ from
    /// run to run (task ids follow job ids, times, worker names), as sorted canonical text.
    func comparableStores(batch: String) -> [String: [String]] {
        var stores: [String: [String]] = [:]
        for kind in ["household.review", "loan.status", "notify.emit"] {
            stores[kind] = batchDocuments(kind, batch: batch).map { document in
                var document = document
                for field in ["taskId", "processedAt", "worker"] { document.removeValue(forKey: field) }
                return String(decoding: JSON.canonical(document) ?? Data(), as: UTF8.self)
            }.sorted()
        }
        return stores
    }
}

/// Records of a JSON Lines input file with their line numbers.
func jsonLines(_ url: URL) throws -> [(line: Int, record: [String: Any])] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
        return (index + 1, object)
    }
}

func flagCodes(_ document: [String: Any]) -> Set<String> {
    Set((document["flags"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
}

func batchId(_ result: CommandResult) -> String? {
    result.lines.last.flatMap { $0.hasPrefix("B") ? $0 : nil }
}

extension SystemTests {
    /// A whole batch: one document per household, loan and notification; the summary
    /// equals the stores; list-level duplicates flagged on every copy; the export parses.
    @Test func batchReviewsEveryRecordOnceAndSummarisesTheStores() throws {
        let sandbox = try Sandbox("batch")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 600, seed: 11, badRate: 0.05)
        let dispatcher = try sandbox.startDispatcher()
        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        let households = input.appendingPathComponent("households.jsonl")
        let loans = input.appendingPathComponent("loans.jsonl")
        let submitted = try sandbox.cli([
            "batch", "submit", "--households", households.path, "--loans", loans.path, "--as-of", "2026-11-27",
            "--name", "e2e", "--wait", "--chunk-size", "40", "--connect", dispatcher.clientEndpoint,
        ], timeout: .seconds(180))
        #expect(submitted.status == 0, "\(submitted)")
        let id = try #require(batchId(submitted), "\(submitted)")

        let householdLines = try jsonLines(households)
        let loanLines = try jsonLines(loans)
        let reviews = sandbox.batchDocuments("household.review", batch: id)
        let statuses = sandbox.batchDocuments("loan.status", batch: id)
        let notifications = sandbox.batchDocuments("notify.emit", batch: id)
        for (kind, documents) in [("review", reviews), ("loan", statuses), ("notification", notifications)] {
            let taskIds = documents.compactMap { $0["taskId"] as? String }
            #expect(Set(taskIds).count == documents.count, "\(kind) task ids repeat")
        }
        #expect(reviews.count == householdLines.count)
        #expect(statuses.count == loanLines.count)
        let reviewedLines = reviews.compactMap { ($0["source"] as? [String: Any])?["line"] as? Int }
        #expect(Set(reviewedLines) == Set(householdLines.map(\.line)), "every household line reviewed exactly once")

        // Counts in the status and the summary equal the stores.
        let statusResult = try sandbox.cli(["batch", "status", id, "--json", "--connect", dispatcher.clientEndpoint])
        let status = try JSON.object(statusResult.stdout)
        #expect(status["state"] as? String == "complete")
        #expect(status["households"] as? Int == householdLines.count)
        #expect(status["loans"] as? Int == loanLines.count)
        #expect(status["reviewed"] as? Int == reviews.count)
        #expect(status["loanStatuses"] as? Int == statuses.count)
        #expect(status["notifications"] as? Int == notifications.count)
        let summary = try #require(status["summary"] as? [String: Any])
        let byType = Dictionary(grouping: notifications, by: { $0["type"] as? String ?? "" }).mapValues(\.count)
        #expect(JSON.equal(summary["notificationsByType"], byType))
        let byStatus = Dictionary(grouping: statuses, by: { $0["status"] as? String ?? "unassessed" }).mapValues(\.count)
        #expect(JSON.equal(summary["loansByStatus"], byStatus))
        let byChange = Dictionary(grouping: reviews, by: { $0["change"] as? String ?? "" }).mapValues(\.count)
        #expect(JSON.equal(summary["byChange"], byChange))
        let summaries = sandbox.batchDocuments("batch.summary", batch: id)
        #expect(summaries.count == 1)
        #expect(summaries.first?["notifications"] as? Int == notifications.count)

        // Every copy of a duplicated citizen ID or household code is flagged and left unclassified.
        let reviewByLine = Dictionary(reviews.compactMap { review in
            ((review["source"] as? [String: Any])?["line"] as? Int).map { ($0, review) }
        }, uniquingKeysWith: { first, _ in first })
        for (field, code) in [("citizenId", "duplicate_citizen_id"), ("householdCode", "duplicate_household_code")] {
            let groups = Dictionary(grouping: householdLines.filter { entry in
                guard let value = entry.record[field] as? String else { return false }
                return !value.trimmingCharacters(in: .whitespaces).isEmpty
            }, by: { ($0.record[field] as? String ?? "").trimmingCharacters(in: .whitespaces) })
            let duplicated = groups.values.filter { $0.count > 1 }.flatMap { $0 }
            #expect(!duplicated.isEmpty, "the sample data has \(field) duplicates")
            for entry in duplicated {
                let review = reviewByLine[entry.line]
                #expect(review.map { flagCodes($0).contains(code) } == true, "line \(entry.line) lacks \(code)")
                #expect(review?["classification"] is NSNull, "line \(entry.line) was classified")
            }
        }

        // results show finds a household's documents.
        let someCode = try #require(reviews.compactMap { $0["householdCode"] as? String }.first { !$0.isEmpty })
        let shown = try sandbox.cli(["results", "show", someCode, "--batch", id, "--connect", dispatcher.clientEndpoint])
        #expect(shown.status == 0, "\(shown)")
        #expect(try shown.lines.map { try JSON.object($0) }.contains { $0["kind"] as? String == "household.review" && $0["householdCode"] as? String == someCode })

        // The export: per-commune CSVs whose rows add up to the households, and group lists.
        let out = sandbox.root.appendingPathComponent("export")
        let exported = try sandbox.cli(["batch", "export", id, "--out", out.path, "--connect", dispatcher.clientEndpoint])
        #expect(exported.status == 0, "\(exported)")
        let communes = out.appendingPathComponent("communes")
        var rows = 0
        for commune in try FileManager.default.contentsOfDirectory(atPath: communes.path) {
            // `(not in list)` holds only the loans of households missing from the list.
            let file = communes.appendingPathComponent(commune).appendingPathComponent("households.csv")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first?.contains("householdCode") == true)
            rows += lines.count - 1
        }
        #expect(rows == householdLines.count)
        let groups = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("savings-groups").path)
        #expect(!groups.isEmpty)
    }

    /// Killing the submitting client and submitting again resumes the batch: nothing is
    /// accepted or stored twice.
    @Test func resumingABatchAfterKillingTheClientAddsNothingTwice() throws {
        let sandbox = try Sandbox("batchresume")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 3000, seed: 12, badRate: 0.01)
        let dispatcher = try sandbox.startDispatcher()
        let arguments = [
            "batch", "submit", "--households", input.appendingPathComponent("households.csv").path,
            "--loans", input.appendingPathComponent("loans.csv").path, "--as-of", "2026-11-27", "--name", "resume",
            "--chunk-size", "5", "--connect", dispatcher.clientEndpoint,
        ]
        // No worker yet: the first client is killed while chunks are still going in.
        let first = try sandbox.spawn("submit-1", arguments)
        try sandbox.eventually("some chunks accepted", interval: .milliseconds(20)) { () -> Bool? in
            (try? sandbox.batchStatus("resume", endpoint: dispatcher.clientEndpoint)).map { $0.chunks.householdsAccepted >= 60 } == true ? true : nil
        }
        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: .seconds(10)))
        let interrupted = try sandbox.batchStatus("resume", endpoint: dispatcher.clientEndpoint)
        #expect(interrupted.state == "accepting", "the first client was killed before it sealed the batch")

        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        let second = try sandbox.cli(arguments + ["--wait"], timeout: .seconds(180))
        #expect(second.status == 0, "\(second)")
        #expect(batchId(second) == interrupted.id)
        let status = try sandbox.batchStatus(interrupted.id, endpoint: dispatcher.clientEndpoint)
        #expect(status.households == 3000)
        #expect(status.chunks.householdsAccepted == 600)
        let reviews = sandbox.batchDocuments("household.review", batch: interrupted.id)
        let lines = reviews.compactMap { ($0["source"] as? [String: Any])?["line"] as? Int }
        #expect(reviews.count == 3000)
        #expect(Set(lines).count == 3000, "a household line was reviewed twice")
        #expect(status.reviewed == 3000 && status.loanStatuses == status.loans)
        #expect(sandbox.batchDocuments("loan.status", batch: interrupted.id).count == status.loans)
    }

    /// kill -9 of a worker and of the dispatcher in the middle of a batch: after a restart
    /// the stores hold exactly what an undisturbed run of the same batch stores.
    @Test func crashesMidBatchEndWithTheSameStoresAsAnUndisturbedRun() throws {
        let calm = try Sandbox("batchcalm")
        defer { calm.close() }
        let stormy = try Sandbox("batchcrash")
        defer { stormy.close() }
        let households = 2000
        func submit(_ sandbox: Sandbox, _ input: URL, endpoint: String, wait: Bool) throws -> CommandResult {
            try sandbox.submitInSmallChunks(input, name: "same", endpoint: endpoint, wait: wait)
        }

        let calmInput = try calm.demoData(households: households, seed: 13, badRate: 0.02)
        let calmDispatcher = try calm.startDispatcher()
        for name in ["A", "B"] { _ = try calm.startWorker(name, connect: calmDispatcher.workerEndpoint, kinds: pipelineKinds) }
        let calmRun = try submit(calm, calmInput, endpoint: calmDispatcher.clientEndpoint, wait: true)
        #expect(calmRun.status == 0, "\(calmRun)")

        let input = try stormy.demoData(households: households, seed: 13, badRate: 0.02)
        let first = try stormy.startDispatcher()
        let accepted = try submit(stormy, input, endpoint: first.clientEndpoint, wait: false)
        #expect(accepted.status == 0, "\(accepted)")
        let id = try #require(batchId(accepted))
        let victim = try stormy.startWorker("victim", connect: first.workerEndpoint, kinds: pipelineKinds, concurrency: 1)
        _ = try stormy.startWorker("survivor", connect: first.workerEndpoint, kinds: pipelineKinds, concurrency: 1)
        try stormy.eventually("the batch under way", interval: .milliseconds(10)) { () -> Bool? in
            let status = try stormy.batchStatus(id, endpoint: first.clientEndpoint)
            return status.reviewed > 0 ? true : nil
        }
        victim.signal(SIGKILL)
        try stormy.eventually("more of the batch done", interval: .milliseconds(10)) { () -> Bool? in
            let status = try stormy.batchStatus(id, endpoint: first.clientEndpoint)
            return status.notifications > 0 ? true : nil
        }
        first.process.signal(SIGKILL)
        #expect(first.process.waitForExit(timeout: .seconds(10)))
        let unfinished = stormy.batchDocuments("notify.emit", batch: id).count
        let restarted = try stormy.startDispatcher(
            name: "dispatcher-2", clientEndpoint: first.clientEndpoint, workerEndpoint: first.workerEndpoint)
        let resumed = try submit(stormy, input, endpoint: restarted.clientEndpoint, wait: true)
        #expect(resumed.status == 0, "\(resumed)")

        let calmId = try #require(batchId(calmRun))
        let expected = calm.comparableStores(batch: calmId)
        let actual = stormy.comparableStores(batch: id)
        #expect(calmId == id)
        for kind in expected.keys.sorted() {
            #expect(expected[kind]?.count == actual[kind]?.count, "\(kind): \(expected[kind]?.count ?? 0) vs \(actual[kind]?.count ?? 0) documents")
            #expect(expected[kind] == actual[kind], "\(kind) differs from the undisturbed run")
        }
        #expect(unfinished < (expected["notify.emit"]?.count ?? 0), "the dispatcher was killed before the batch ended")
        // One outbox row per stored notification, suppressed exactly as in the undisturbed run
        // (a list's duplicated household gets the same key twice): a task run again after the
        // kill stored its notifications once and recorded their keys once.
        func outboxStates(_ sandbox: Sandbox, _ batch: String) throws -> [String] {
            try sandbox.notificationList(batch: batch).map { "\($0["dedupKey"] ?? "") \($0["state"] ?? "")" }.sorted()
        }
        let outbox = try outboxStates(stormy, id)
        #expect(outbox.count == expected["notify.emit"]?.count)
        #expect(outbox == (try outboxStates(calm, calmId)))
    }
}

extension SystemTests {
    /// A commune named with `/` or `%` stays one key of the summary (counter names are split
    /// at `/`, so the stages escape it and the dispatcher restores it).
    /// A commune name too long for a counter name (255 bytes) is shortened there, and the
    /// chunk is counted rather than failed.
    @Test func communeNamesWithSlashesStayWholeInTheSummary() throws {
        let longCommune = String(repeating: "Đồng/Kho ", count: 40)
        let sandbox = try Sandbox("slash")
        defer { sandbox.close() }
        let households = try sandbox.writeFile("households.jsonl", [
            #"{"householdCode":"S-1","headName":"Lò Văn A","commune":"Xã A/B","members":"3","monthlyIncomePerCapita":"900000"}"#,
            #"{"householdCode":"S-2","headName":"Lò Văn B","commune":"100% Thôn/Bản","members":"3","monthlyIncomePerCapita":"900000"}"#,
            #"{"householdCode":"S-3","headName":"Lò Văn C","commune":"Xã A/B","members":"3","monthlyIncomePerCapita":"900000"}"#,
            #"{"householdCode":"S-4","headName":"Lò Văn D","commune":"\#(longCommune)","members":"3","monthlyIncomePerCapita":"900000"}"#,
        ].joined(separator: "\n") + "\n")
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint, kinds: pipelineKinds)
        let submitted = try sandbox.cli([
            "batch", "submit", "--households", households.path, "--as-of", "2026-11-27", "--wait",
            "--connect", dispatcher.clientEndpoint,
        ], timeout: .seconds(120))
        #expect(submitted.status == 0, "\(submitted)")
        let id = try #require(batchId(submitted), "\(submitted)")
        let status = try JSON.object(try sandbox.cli(["batch", "status", id, "--json", "--connect", dispatcher.clientEndpoint]).stdout)
        let byCommune = try #require((status["summary"] as? [String: Any])?["byCommune"] as? [String: Any], "\(status)")
        let counts = byCommune.mapValues { ($0 as? [String: Any])?.values.compactMap { $0 as? Int }.reduce(0, +) ?? -1 }
        let shortened = try #require(counts.keys.first { $0.hasSuffix("…") }, "\(status)")
        #expect(longCommune.hasPrefix(String(shortened.dropLast())))
        #expect(counts == ["Xã A/B": 2, "100% Thôn/Bản": 1, shortened: 1], "\(status)")
    }
}
