#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

extension Sandbox {
    /// POSTs the file `piece` to `url` as `contentType`, with more curl arguments (credentials) in `extra`.
    fileprivate func post(_ url: String, file piece: URL, contentType: String, _ extra: [String] = []) throws -> CurlResponse {
        try curl(["-X", "POST", "-H", "Content-Type: \(contentType)", "--data-binary", "@\(piece.path)"] + extra + [url])
    }

    /// `bytes` cut at `cuts` (byte offsets, mid-line on purpose) into files `NAME.N`.
    fileprivate func pieces(of bytes: [UInt8], at cuts: [Int], name: String) throws -> [URL] {
        let bounds = [0] + cuts + [bytes.count]
        return try zip(bounds, bounds.dropFirst()).enumerated().map { number, range in
            let url = root.appendingPathComponent("\(name).\(number)")
            try Data(bytes[range.0..<range.1]).write(to: url)
            return url
        }
    }
}

extension SystemTests {
    /// A household list (CSV) and a loan book (JSON Lines) streamed over HTTP in pieces cut
    /// mid-line, then sealed, store exactly the documents `batch submit` stores for the same
    /// files (task ids, times and worker names aside); a piece sent again at its offset is
    /// not appended twice, and the spool is gone once the batch is sealed.
    @Test func aBatchStreamedOverHTTPStoresWhatBatchSubmitStores() throws {
        let reference = try Sandbox("httpbatch-ref")
        defer { reference.close() }
        let input = try reference.demoData(households: 1100, seed: 23, badRate: 0.05)
        let households = input.appendingPathComponent("households.csv")
        let loans = input.appendingPathComponent("loans.jsonl")
        let expected: [String: [String]]
        do {
            let dispatcher = try reference.startDispatcher()
            for name in ["A", "B"] { _ = try reference.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
            let submitted = try reference.cli([
                "batch", "submit", "--households", households.path, "--loans", loans.path, "--as-of", "2026-11-27",
                "--name", "district", "--wait", "--connect", dispatcher.clientEndpoint,
            ], timeout: .seconds(120))
            #expect(submitted.status == 0, "\(submitted)")
            expected = reference.comparableStores(batch: try #require(batchId(submitted), "\(submitted)"))
            dispatcher.process.stop()
        }
        #expect(expected["household.review"]?.count == 1100)

        let sandbox = try Sandbox("httpbatch")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0"])
        let api = "http://\(try sandbox.httpAddress(of: dispatcher))/v1/batches"
        let opening = ["-X", "POST", "-H", "Content-Type: application/json", "--data", #"{"name":"district","asOf":"2026-11-27"}"#, api]
        let opened = try sandbox.curl(opening)
        #expect(opened.status == 201, "\(opened)")
        let id = try #require(try JSON.object(opened.body)["id"] as? String, "\(opened)")
        let resumed = try sandbox.curl(opening)
        #expect(resumed.status == 200 && (try? JSON.object(resumed.body)["id"] as? String) == id, "\(resumed)")

        let householdBytes = [UInt8](try Data(contentsOf: households))
        let loanBytes = [UInt8](try Data(contentsOf: loans))
        let householdPieces = try sandbox.pieces(
            of: householdBytes, at: [17, householdBytes.count / 3, householdBytes.count / 3 * 2 + 5], name: "households")
        let loanPieces = try sandbox.pieces(of: loanBytes, at: [loanBytes.count / 2 + 3], name: "loans")
        var length = 0
        for piece in householdPieces {
            let answer = try sandbox.post("\(api)/\(id)/households?offset=\(length)", file: piece, contentType: "text/csv")
            length += try Data(contentsOf: piece).count
            #expect(answer.status == 202 && (try? JSON.object(answer.body)["bytes"] as? Int) == length, "\(answer)")
        }
        // The second piece again at its offset, as after a lost answer: taken, not appended twice.
        let second = try Data(contentsOf: householdPieces[0]).count
        let again = try sandbox.post("\(api)/\(id)/households?offset=\(second)", file: householdPieces[1], contentType: "text/csv")
        #expect(again.status == 409 && again.problemCode == "batch_mismatch", "\(again)")
        let last = householdPieces[householdPieces.count - 1]
        let lastOffset = householdBytes.count - (try Data(contentsOf: last).count)
        let repeated = try sandbox.post("\(api)/\(id)/households?offset=\(lastOffset)", file: last, contentType: "text/csv")
        #expect(repeated.status == 202 && (try? JSON.object(repeated.body)["bytes"] as? Int) == householdBytes.count, "\(repeated)")
        let mixed = try sandbox.post("\(api)/\(id)/households", file: last, contentType: "application/jsonl")
        #expect(mixed.status == 415 && mixed.problemCode == "unsupported_media_type", "\(mixed)")
        for piece in loanPieces {
            let answer = try sandbox.post("\(api)/\(id)/loans", file: piece, contentType: "application/x-ndjson")
            #expect(answer.status == 202, "\(answer)")
        }
        let spool = sandbox.dataDir.appendingPathComponent("uploads").appendingPathComponent(id)
        #expect(try Data(contentsOf: spool.appendingPathComponent("households/households.csv")) == Data(householdBytes))
        #expect(try Data(contentsOf: spool.appendingPathComponent("loans/loans.jsonl")) == Data(loanBytes))
        // The lists are personal data: owner-only, as the rest of the data directory.
        for (path, mode) in [(spool.path, 0o700), (spool.appendingPathComponent("households/households.csv").path, 0o600)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == mode, "\(path)")
        }

        // The workers start only now, so the seal submits into a batch nothing has run yet.
        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        let sealed = try sandbox.curl(["-X", "POST", "\(api)/\(id):seal"])
        #expect(sealed.status == 200 && (try? JSON.object(sealed.body)["state"] as? String) != "accepting", "\(sealed)")
        #expect(!FileManager.default.fileExists(atPath: spool.path), "the spool is removed once the batch is sealed")
        let sealedAgain = try sandbox.curl(["-X", "POST", "\(api)/\(id):seal"])
        #expect(sealedAgain.status == 200, "\(sealedAgain)")
        let late = try sandbox.post("\(api)/\(id)/loans", file: loanPieces[0], contentType: "application/x-ndjson")
        #expect(late.status == 409 && late.problemCode == "batch_sealed", "\(late)")

        let complete = try sandbox.eventually("the batch to complete", timeout: .seconds(120)) { () -> [String: Any]? in
            let answer = try sandbox.curl(["\(api)/\(id)?wait=20"])
            let status = try JSON.object(answer.body)
            return status["state"] as? String == "complete" ? status : nil
        }
        #expect(complete["households"] as? Int == 1100)
        let listed = try JSON.array(try sandbox.curl([api]).body)
        #expect(listed.compactMap { $0["id"] as? String } == [id])
        let stored = sandbox.comparableStores(batch: id)
        for kind in ["household.review", "loan.status", "notify.emit"] {
            #expect(stored[kind]?.count == expected[kind]?.count, "\(kind) documents")
            #expect(stored[kind] == expected[kind], "\(kind) documents differ from batch submit's")
        }
    }
}

extension SystemTests {
    /// One identity has at most 8 batches being uploaded at once: its 9th batch's first
    /// piece is refused (429 naming the limit, with Retry-After) while another client still
    /// uploads, and taken once one of its batches is sealed, which removes that spool.
    @Test func oneIdentityUploadsAtMost8BatchesAtOnce() throws {
        let sandbox = try Sandbox("httpbatch-bound")
        defer { sandbox.close() }
        let keys = try sandbox.curveDeployment()
        let alice = ["-H", "Authorization: Bearer \(try sandbox.issueToken("alice", role: .clients))"]
        let bob = ["-H", "Authorization: Bearer \(try sandbox.issueToken("bob", role: .clients))"]
        let dispatcher = try sandbox.startCurveDispatcher(keys, extra: ["--http", "127.0.0.1:0"])
        let api = "http://\(try sandbox.httpAddress(of: dispatcher))/v1/batches"
        let piece = try sandbox.writeFile("one.csv", "householdCode,citizenId\nH1,012345678901\n")
        func open(_ name: String, as caller: [String]) throws -> String {
            let opened = try sandbox.curl(
                ["-X", "POST", "-H", "Content-Type: application/json", "--data", #"{"name":"\#(name)","asOf":"2026-11-27"}"#] + caller + [api])
            return try #require(try JSON.object(opened.body)["id"] as? String, "\(opened)")
        }
        let ids = try (1...9).map { try open("alice-\($0)", as: alice) }
        for id in ids.prefix(8) {
            let answer = try sandbox.post("\(api)/\(id)/households", file: piece, contentType: "text/csv", alice)
            #expect(answer.status == 202, "\(answer)")
        }
        let refused = try sandbox.post("\(api)/\(ids[8])/households", file: piece, contentType: "text/csv", alice)
        #expect(refused.status == 429 && refused.problemCode == "rate_limited" && refused.headers["retry-after"] != nil, "\(refused)")
        #expect((try? JSON.object(refused.body))?["detail"].map { "\($0)".contains("8 batches") } == true, "\(refused)")
        let bobs = try sandbox.post("\(api)/\(try open("bob-1", as: bob))/households", file: piece, contentType: "text/csv", bob)
        #expect(bobs.status == 202, "another client uploads meanwhile: \(bobs)")
        let sealed = try sandbox.curl(["-X", "POST"] + alice + ["\(api)/\(ids[0]):seal"])
        #expect(sealed.status == 200 && (try? JSON.object(sealed.body)["households"] as? Int) == 1, "\(sealed)")
        let taken = try sandbox.post("\(api)/\(ids[8])/households", file: piece, contentType: "text/csv", alice)
        #expect(taken.status == 202, "\(taken)")
    }
}

extension SystemTests {
    /// A seal that would pass a limit is refused before any chunk is sent, and the
    /// dispatcher's connection stays up for everyone: a household list over
    /// `--http-seal-max-households` (413 naming the limit and `batch submit`), and a
    /// household whose loans make a chunk over `--max-message-bytes` (413 naming the
    /// household's line, not its data).
    @Test func aSealPastItsLimitsIsRefusedWithNothingSent() throws {
        let sandbox = try Sandbox("httpbatch-limits")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(
            extra: ["--http", "127.0.0.1:0", "--http-seal-max-households", "3", "--max-message-bytes", "65536"])
        let api = "http://\(try sandbox.httpAddress(of: dispatcher))/v1/batches"
        func open(_ name: String) throws -> String {
            let opened = try sandbox.curl(
                ["-X", "POST", "-H", "Content-Type: application/json", "--data", #"{"name":"\#(name)","asOf":"2026-11-27"}"#, api])
            return try #require(try JSON.object(opened.body)["id"] as? String, "\(opened)")
        }
        let four = try sandbox.writeFile(
            "four.csv", "householdCode,citizenId\n" + (1...4).map { "H\($0),01234567890\($0)\n" }.joined())
        let many = try open("many-households")
        #expect(try sandbox.post("\(api)/\(many)/households", file: four, contentType: "text/csv").status == 202)
        let tooMany = try sandbox.curl(["-X", "POST", "\(api)/\(many):seal"])
        let tooManyDetail = (try? JSON.object(tooMany.body))?["detail"] as? String ?? ""
        #expect(tooMany.status == 413 && tooMany.problemCode == "too_large", "\(tooMany)")
        #expect(tooManyDetail.contains("more than 3 records") && tooManyDetail.contains("batch submit"), "\(tooMany)")

        let one = try sandbox.writeFile("one.csv", "householdCode,citizenId\nH1,012345678901\n")
        let loans = try sandbox.writeFile(
            "loans.csv", "loanId,householdCode,outstandingBalance\n" + (1...3000).map { "L\($0),H1,1000\n" }.joined())
        let heavy = try open("heavy-household")
        #expect(try sandbox.post("\(api)/\(heavy)/households", file: one, contentType: "text/csv").status == 202)
        #expect(try sandbox.post("\(api)/\(heavy)/loans", file: loans, contentType: "text/csv").status == 202)
        let oversized = try sandbox.curl(["-X", "POST", "\(api)/\(heavy):seal"])
        let detail = (try? JSON.object(oversized.body))?["detail"] as? String ?? ""
        #expect(oversized.status == 413 && oversized.problemCode == "too_large", "\(oversized)")
        #expect(detail.contains("line 2 of households/households.csv") && detail.contains("no chunk was sent"), "\(oversized)")
        #expect(!detail.contains(sandbox.dataDir.path), "no internal path: \(oversized)")

        // A list in Windows-1258 ("Nguyễn Văn Ánh" with its tone marks as bytes of their own) is
        // refused, not reviewed as unreadable records.
        let legacy = sandbox.root.appendingPathComponent("legacy.csv")
        try Data(Array("householdCode,headName\nH1,Nguy".utf8) + [0xEA, 0xDE] + Array("n V".utf8) + [0xE3] + Array("n \n".utf8))
            .write(to: legacy)
        let encoded = try open("legacy-encoding")
        #expect(try sandbox.post("\(api)/\(encoded)/households", file: legacy, contentType: "text/csv").status == 202)
        let refused = try sandbox.curl(["-X", "POST", "\(api)/\(encoded):seal"])
        let refusal = (try? JSON.object(refused.body))?["detail"] as? String ?? ""
        #expect(refused.status == 422 && refused.problemCode == "payload_invalid", "\(refused)")
        #expect(refusal.contains("line 2 of households/") && refusal.contains("not UTF-8"), "\(refused)")

        for id in [many, heavy, encoded] {
            let status = try sandbox.batchStatus(id, endpoint: dispatcher.clientEndpoint)
            #expect(status.state == "accepting" && status.chunks.householdsAccepted == 0 && status.jobs.queued == 0, "\(id)")
        }
        let after = try sandbox.curl([api])
        #expect(after.status == 200, "the API's connection to the dispatcher is still up: \(after)")
    }
}

extension SystemTests {
    /// With tokens, a batch opened over HTTP is its caller's, as one opened with that
    /// principal's CURVE key: another client may not upload to it, seal it, follow it or
    /// take its name (403), nor see it in the list; its owner seals it.
    @Test func aBatchOpenedOverHTTPIsItsCallersOwn() throws {
        let sandbox = try Sandbox("httpbatch-owner")
        defer { sandbox.close() }
        let keys = try sandbox.curveDeployment()
        let bank = ["-H", "Authorization: Bearer \(try sandbox.issueToken("bank", role: .clients))"]
        let other = ["-H", "Authorization: Bearer \(try sandbox.issueToken("other", role: .clients))"]
        let dispatcher = try sandbox.startCurveDispatcher(keys, extra: ["--http", "127.0.0.1:0"])
        let api = "http://\(try sandbox.httpAddress(of: dispatcher))/v1/batches"
        let opening = ["-X", "POST", "-H", "Content-Type: application/json", "--data", #"{"name":"bank-list","asOf":"2026-11-27"}"#]
        let opened = try sandbox.curl(opening + bank + [api])
        #expect(opened.status == 201, "\(opened)")
        let status = try JSON.object(opened.body)
        let id = try #require(status["id"] as? String, "\(opened)")
        #expect((status["audit"] as? [String: Any])?["submittedBy"] as? String == "clients/bank", "\(opened)")
        let piece = try sandbox.writeFile("one.csv", "householdCode,citizenId\nH1,012345678901\n")
        let anonymous = try sandbox.post("\(api)/\(id)/households", file: piece, contentType: "text/csv")
        #expect(anonymous.status == 401 && anonymous.problemCode == "unauthenticated", "\(anonymous)")
        let refused = [
            try sandbox.post("\(api)/\(id)/households", file: piece, contentType: "text/csv", other),
            try sandbox.curl(["-X", "POST"] + other + ["\(api)/\(id):seal"]),
            try sandbox.curl(other + ["\(api)/\(id)"]),
            try sandbox.curl(opening + other + [api]),
        ]
        for answer in refused { #expect(answer.status == 403 && answer.problemCode == "forbidden", "\(answer)") }
        let othersList = try sandbox.curl(other + [api])
        #expect(othersList.status == 200 && (try? JSON.array(othersList.body))?.isEmpty == true, "\(othersList)")
        let uploaded = try sandbox.post("\(api)/\(id)/households", file: piece, contentType: "text/csv", bank)
        #expect(uploaded.status == 202, "\(uploaded)")
        let sealed = try sandbox.curl(["-X", "POST"] + bank + ["\(api)/\(id):seal"])
        #expect(sealed.status == 200 && (try? JSON.object(sealed.body))?["households"] as? Int == 1, "\(sealed)")
    }
}

extension SystemTests {
    /// A dispatcher killed mid-seal keeps the uploaded lists (each piece was fsynced before
    /// its answer), and the seal called again after the restart resumes as `batch submit`
    /// does: every chunk is one job, and no household is accepted twice. The client's seal
    /// is resumed by an operator: the chunks still go in for the batch's owner, under its
    /// idempotency keys, so the overlap is not submitted again as new chunks.
    @Test func aClientsSealInterruptedByACrashIsResumedByAnOperatorAddingNothingTwice() throws {
        let sandbox = try Sandbox("httpbatch-resume")
        defer { sandbox.close() }
        let keys = try sandbox.curveDeployment()
        let bank = ["-H", "Authorization: Bearer \(try sandbox.issueToken("bank", role: .clients))"]
        let operatorToken = ["-H", "Authorization: Bearer \(try sandbox.issueToken("helpdesk", role: .operators))"]
        let input = try sandbox.demoData(households: 30000, seed: 29, badRate: 0.01)
        let first = try sandbox.startDispatcher(name: "dispatcher-1", curve: keys, extra: ["--http", "127.0.0.1:0"])
        let firstAPI = "http://\(try sandbox.httpAddress(of: first))/v1/batches"
        let opened = try sandbox.curl(
            ["-X", "POST", "-H", "Content-Type: application/json", "--data", #"{"name":"resume","asOf":"2026-11-27"}"#] + bank + [firstAPI])
        let id = try #require(try JSON.object(opened.body)["id"] as? String, "\(opened)")
        for list in ["households", "loans"] {
            let answer = try sandbox.post(
                "\(firstAPI)/\(id)/\(list)", file: input.appendingPathComponent("\(list).csv"), contentType: "text/csv", bank)
            #expect(answer.status == 202, "\(answer)")
        }
        // No worker: the seal is killed while its chunks are still going in.
        let sealing = try sandbox.spawnTool("seal-1", "/usr/bin/curl", ["-sS", "-X", "POST"] + bank + ["\(firstAPI)/\(id):seal"])
        try sandbox.eventually("some chunks accepted", interval: .milliseconds(10)) { () -> Bool? in
            (try? sandbox.batchStatus(id, endpoint: first.clientEndpoint, as: keys.operatorKeys)).map { $0.chunks.householdsAccepted >= 4 }
                == true ? true : nil
        }
        first.process.signal(SIGKILL)
        #expect(first.process.waitForExit(timeout: .seconds(10)))
        #expect(sealing.waitForExit(timeout: .seconds(10)))

        let second = try sandbox.startDispatcher(name: "dispatcher-2", curve: keys, extra: ["--http", "127.0.0.1:0"])
        let interrupted = try sandbox.batchStatus(id, endpoint: second.clientEndpoint, as: keys.operatorKeys)
        #expect(interrupted.state == "accepting", "the dispatcher was killed before the seal sealed the batch")
        let spooled = sandbox.dataDir.appendingPathComponent("uploads/\(id)/households/households.csv")
        #expect(try Data(contentsOf: spooled) == Data(contentsOf: input.appendingPathComponent("households.csv")))
        let sealed = try sandbox.curl(["-X", "POST"] + operatorToken + ["http://\(try sandbox.httpAddress(of: second))/v1/batches/\(id):seal"])
        #expect(sealed.status == 200, "\(sealed)")
        let status = try sandbox.batchStatus(id, endpoint: second.clientEndpoint, as: keys.operatorKeys)
        #expect(status.state != "accepting" && status.audit.submittedBy == "clients/bank")
        #expect(status.households == 30000)
        #expect(status.chunks.householdsAccepted == status.chunks.households && status.chunks.households == 60)
        #expect(status.chunks.loansAccepted == status.chunks.loans)
        #expect(status.jobs.queued == 60 + (status.chunks.loans ?? 0), "one job per chunk")
        #expect(!FileManager.default.fileExists(atPath: spooled.path))
    }
}
