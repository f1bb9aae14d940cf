import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import ChungTaySampleData
import Foundation
import Testing

@Suite("ListIndex and ChunkPlanner")
struct ChunkPlannerTests {
    static let households = """
        householdCode,citizenId,headName
        H1,001,A
        H2,002,B
        " H1 ",003,C
        H3,001,D
        H4,,E
        ,004,F
        H5,005,"G,g"

        """

    static let loans = """
        {"loanId":"L1","householdCode":"H2"}
        {"loanId":"L2","householdCode":"H1"}
        {"loanId":"L3","householdCode":"X9"}
        {"loanId":"L4","householdCode":" H1"}
        {"loanId":"L5"}
        not json
        {"loanId":"L6","householdCode":"H5"}
        {"loanId":"L7","householdCode":"H3"}

        """

    static let batch = BatchHeader(id: "B-1", asOf: "2025-06-30", whatIf: false)

    func allChunks(_ planner: ChunkPlanner, from sequence: Int = 0) throws -> [BatchChunk] {
        let chunks = try planner.chunks(from: sequence)
        var result: [BatchChunk] = []
        while let chunk = try chunks.next() { result.append(chunk) }
        return result
    }

    @Test("pass 1 counts records and input errors and flags every copy of a duplicate")
    func listIndex() throws {
        let files = try TestFiles()
        let index = try ListIndex(
            households: files.write("households.csv", Self.households), loans: files.write("loans.jsonl", Self.loans))
        #expect(index.householdCount == 7)
        #expect(index.loanCount == 8)
        #expect(index.joinedLoanCount == 5)
        #expect(index.unjoinedLoanCount == 3)
        #expect(index.inputErrorCount == 1)
        #expect(index.inputErrors.count == 1)
        #expect(index.inputErrors.first?.hasPrefix("loans.jsonl:6:1: not valid JSON") == true)

        let records = try readAll(files.path("households.csv"))
        #expect(records.map { index.listFlags(for: $0.record) } == [
            ["duplicate_citizen_id", "duplicate_household_code"], [], ["duplicate_household_code"],
            ["duplicate_citizen_id"], [], [], [],
        ])
    }

    @Test("reading the loans on a second thread gives the same index, errors in file order")
    func concurrentPassOne() throws {
        let files = try TestFiles()
        let households = try files.write("households.csv", Self.households + "H6,006,\"broken\n")
        let loans = try files.write("loans.jsonl", Self.loans + "also not json\n")
        for limit in [0, 1, 2, 3, 100] {
            let sequential = try ListIndex(households: households, loans: loans, errorSampleLimit: limit, concurrently: false)
            let concurrent = try ListIndex(households: households, loans: loans, errorSampleLimit: limit, concurrently: true)
            #expect(concurrent.inputErrorCount == 3)
            #expect(concurrent.inputErrors == sequential.inputErrors, "limit \(limit)")
            #expect(concurrent.inputErrors.count == min(limit, 3))
            if limit > 0 { #expect(concurrent.inputErrors.first?.hasPrefix("households.csv:") == true) }
            let counts: (ListIndex) -> [Int] = { [$0.householdCount, $0.loanCount, $0.joinedLoanCount, $0.unjoinedLoanCount] }
            #expect(counts(concurrent) == counts(sequential))
            let concurrentChunks = try allChunks(ChunkPlanner(index: concurrent, batch: Self.batch, chunkSize: 3))
            let sequentialChunks = try allChunks(ChunkPlanner(index: sequential, batch: Self.batch, chunkSize: 3))
            #expect(concurrentChunks == sequentialChunks)
        }
    }

    @Test("a list of many key batches counts the same on the counting threads, duplicates across batches included")
    func concurrentCountingAcrossBatches() throws {
        let files = try TestFiles()
        var households = "householdCode,citizenId,headName\n"
        for number in 0..<10_000 { households += "H\(number % 7_000),C\(number % 9_000),N\(number)\n" }
        var loans = "loanId,householdCode\n"
        for number in stride(from: 0, to: 12_000, by: 3) { loans += "L\(number),H\(number)\n" }
        let householdFile = try files.write("households.csv", households)
        let loanFile = try files.write("loans.csv", loans)
        let sequential = try ListIndex(households: householdFile, loans: loanFile, concurrently: false)
        let concurrent = try ListIndex(households: householdFile, loans: loanFile, concurrently: true)
        #expect(concurrent.joinedLoanCount == 2_334 && concurrent.unjoinedLoanCount == 1_666)
        let concurrentChunks = try allChunks(ChunkPlanner(index: concurrent, batch: Self.batch, chunkSize: 500))
        let sequentialChunks = try allChunks(ChunkPlanner(index: sequential, batch: Self.batch, chunkSize: 500))
        #expect(concurrentChunks == sequentialChunks)
        let lastChunk = String(decoding: try #require(concurrentChunks.last { $0.stage == .households }).payload, as: UTF8.self)
        #expect(lastChunk.contains("duplicate_citizen_id") && lastChunk.contains("duplicate_household_code"))
        // H6000 is household 6000, in the second key batch: its loan goes with households 6000–6499.
        #expect(String(decoding: concurrentChunks[12].payload, as: UTF8.self).contains(#""L6000""#))
    }

    @Test("household chunks carry their households' loans; loans joining none go last")
    func chunks() throws {
        let files = try TestFiles()
        let index = try ListIndex(
            households: files.write("households.csv", Self.households), loans: files.write("loans.jsonl", Self.loans))
        let planner = ChunkPlanner(index: index, batch: Self.batch, chunkSize: 3)
        #expect(planner.householdChunkCount == 3)
        #expect(planner.loanChunkCount == 1)
        let chunks = try allChunks(planner)
        #expect(chunks.map(\.stage) == [.households, .households, .households, .loansOnly])
        #expect(chunks.map(\.index) == [0, 1, 2, 0])
        #expect(chunks.map(\.sequence) == [0, 1, 2, 3])
        #expect(chunks.map(\.households) == [3, 3, 1, 0])
        #expect(chunks.map(\.loans) == [3, 1, 1, 3])

        let parsed = try chunks.map { try ParsedChunk($0.payload) }
        #expect(parsed[0].keys == ["batch", "households", "loans"])
        #expect(parsed[3].keys == ["batch", "loans", "reviews"])
        #expect(parsed[3].reviews == [])
        for chunk in parsed {
            #expect(chunk.batch.string("id") == "B-1")
            #expect(chunk.batch.string("asOf") == "2025-06-30")
            #expect(chunk.batch["whatIf"] == false)
        }
        let first = try #require(parsed[0].households)
        #expect(first.map { $0.integer("line") } == [2, 3, 4])
        #expect(first.map { $0.string("file") } == ["households.csv", "households.csv", "households.csv"])
        #expect(first.map { $0.strings("listFlags") } == [
            ["duplicate_citizen_id", "duplicate_household_code"], nil, ["duplicate_household_code"],
        ])
        #expect(first[2].object("record")?.string("householdCode") == " H1 ")
        // H1's loans (L2 and " H1" L4, in file order) join the first H1 only, then H2's.
        #expect(parsed[0].loans.map { $0.object("record")?.string("loanId") } == ["L2", "L4", "L1"])
        #expect(parsed[0].loans.map { $0.integer("line") } == [2, 4, 1])
        #expect(parsed[0].loans.allSatisfy { $0["listFlags"] == nil && $0["file"] == "loans.jsonl" })
        #expect(parsed[1].loans.map { $0.object("record")?.string("loanId") } == ["L7"])
        #expect(parsed[2].households?.first?.object("record")?.string("headName") == "G,g")
        #expect(parsed[2].loans.map { $0.object("record")?.string("loanId") } == ["L6"])

        let unjoined = parsed[3].loans
        #expect(unjoined.map { $0.integer("line") } == [3, 5, 6])
        #expect(unjoined.map { $0.strings("listFlags") } == [["household_not_in_list"], nil, nil])
        #expect(unjoined[2].object("inputError")?.integer("column") == 1)
        #expect(unjoined[2].object("record")?.members.isEmpty == true)
    }

    @Test("a CSV list travels as a table: the header once, then each row's cells, null for an empty one")
    func csvListIsATable() throws {
        let files = try TestFiles()
        let households = try files.write("h.csv", "householdCode,headName,members,phone\nH1,,4,\n\"H\"\"2\",Bình,,\nH3,An,2,09,extra\n")
        let loans = try files.write("l.csv", "loanId,householdCode\nL1,H1\n")
        let index = try ListIndex(households: households, loans: loans)
        let chunk = try #require(try allChunks(ChunkPlanner(index: index, batch: Self.batch)).first)
        let payload = String(decoding: chunk.payload, as: UTF8.self)
        #expect(payload.contains(#""households":{"file":"h.csv","fields":["householdCode","headName","members","phone"],"items":["#
            + #"{"line":2,"cells":["H1",null,"4"]},{"line":3,"cells":["H\"2","Bình"]},"#
            + #"{"line":4,"cells":["H3","An","2","09"],"inputError":{"column":5,"message":"row has 5 cells, the header 4"}}]}"#))
        #expect(payload.hasSuffix(#""loans":{"file":"l.csv","fields":["loanId","householdCode"],"items":[{"line":2,"cells":["L1","H1"]}]}}"#))
    }

    @Test("a loan table's header counts against the chunk's size even when no loan joins the chunk")
    func loanTableHeaderCountsAgainstTheLimit() throws {
        let files = try TestFiles()
        let households = try files.write("h.csv", "householdCode\nH1\n")
        let wide = (1...200).map { "column\($0)" }.joined(separator: ",")
        let loans = try files.write("l.csv", "loanId,householdCode,\(wide)\nL1,H9\n")
        let index = try ListIndex(households: households, loans: loans)
        let planner = ChunkPlanner(index: index, batch: Self.batch, maximumPayloadBytes: 1_000)
        #expect(throws: BatchInputError.chunkTooLarge(path: loans, line: 1, limit: 1_000)) { try allChunks(planner) }
        let roomy = try allChunks(ChunkPlanner(index: index, batch: Self.batch, maximumPayloadBytes: 4_000))
        #expect(roomy.map(\.loans) == [0, 1])
    }

    @Test("an input error travels in its item with column, field and message")
    func inputErrorItem() throws {
        let files = try TestFiles()
        let households = try files.write("h.csv", "householdCode,members\nH1,4,extra\nH2,3\n")
        let index = try ListIndex(households: households, loans: nil)
        let chunk = try #require(try allChunks(ChunkPlanner(index: index, batch: Self.batch)).first)
        let items = try #require(try ParsedChunk(chunk.payload).households)
        let error = try #require(items[0].object("inputError"))
        #expect(error.integer("column") == 3)
        #expect(error["field"] == nil)
        #expect(error.string("message") == "row has 3 cells, the header 2")
        #expect(items[1]["inputError"] == nil)
        #expect(try ParsedChunk(chunk.payload).loans.isEmpty)
        #expect(index.inputErrors == ["h.csv:2:3: row has 3 cells, the header 2"])
    }

    @Test("payload items hold exactly the records, lines and errors that RecordReader gives")
    func itemsMatchRecords() throws {
        let files = try TestFiles()
        let households = try files.write(
            "households.csv",
            "householdCode,headName,note\n"
                + "H1,\"Nguye\u{302}\u{303}n \"\"Tèo\"\"\",\"tab\there\\back\"\n"
                + "H2,Lê,x,extra\n"
                + "H3,\"a\nb\",\"bad\"quote\n"
                + "H4,,\u{1F600}\n")
        let deep = String(repeating: "[", count: 61) + String(repeating: "]", count: 61)
        let loans = try files.write(
            "loans.jsonl",
            "  {\"householdCode\" : \"H1\", \"n\":\"e\\u0301\\n\", \"x\": 1e999}  \r\n"
                + "{\"householdCode\":\"H2\",\"deep\":\(deep)}\n"
                + "{\"householdCode\":\"H3\",\"ok\":[[1,{\"a\":null}]]}\n"
                + "[]\n"
                + "{\"householdCode\":\"H9\",\"name\":\"Nguye\u{302}\u{303}n\"}\n")
        let index = try ListIndex(households: households, loans: loans)
        let chunks = try allChunks(ChunkPlanner(index: index, batch: Self.batch, chunkSize: 2))
        var householdItems: [JSONObject] = []
        var loanItems: [JSONObject] = []
        for chunk in chunks {
            let parsed = try ParsedChunk(chunk.payload)
            householdItems += parsed.households ?? []
            loanItems += parsed.loans
        }
        let expectedHouseholds = try readAll(households)
        let loanRecords = try readAll(loans)
        let expectedLoans = [0, 2, 1, 3, 4].map { loanRecords[$0] }  // H1, H3, then joining none: too deep, `[]`, H9
        for (item, record) in Array(zip(householdItems, expectedHouseholds)) + Array(zip(loanItems, expectedLoans)) {
            #expect(item.object("record") == record.record)
            #expect(item.integer("line") == record.line)
            #expect(item.string("file") == record.file)
            let error = item.object("inputError")
            #expect(error?.integer("column") == record.inputError?.column)
            #expect(error?.string("field") == record.inputError?.field)
            #expect(error?.string("message") == record.inputError?.message)
        }
        #expect(householdItems.count == 4)
        #expect(loanItems.count == 5)
        #expect(expectedHouseholds[0].record.string("headName") == "Nguyễn \"Tèo\"")
        #expect(expectedHouseholds[0].record.string("note") == "tab\there\\back")
        #expect(expectedHouseholds[1].inputError?.column == 4)
        #expect(expectedHouseholds[2].inputError?.field == "note")
        #expect(loanRecords[0].record.string("n") == "é\n")
        #expect(loanRecords[1].inputError?.message == "nested deeper than 61 levels")
        #expect(loanRecords[2].inputError == nil)
        #expect(loanItems.map { $0.strings("listFlags") } == [nil, nil, nil, nil, ["household_not_in_list"]])
    }

    /// A larger list: households in CSV with duplicates and quoted line breaks, loans
    /// in CSV in shuffled order, some for unknown households.
    func largeFiles(_ files: TestFiles) throws -> (String, String) {
        var households = "householdCode,citizenId,note\n"
        for number in 0..<1_000 {
            let code = number % 97 == 5 ? "H\(number - 1)" : "H\(number)"
            let note = number % 10 == 0 ? "\"line\nbreak, \"\"quoted\"\"\"" : "n\(number)"
            households += "\(code),\(100_000 + number % 331),\(note)\n"
        }
        var loans = ["loanId,householdCode,principal"]
        var generator = SplitMix64(seed: 7)
        for number in 0..<3_000 {
            let household = Int(generator.next() % 1_100)
            loans.append("L\(number),H\(household),\(number * 1_000)")
        }
        return (try files.write("households.csv", households), try files.write("loans.csv", loans.joined(separator: "\r\n")))
    }

    @Test("the same files always give the same chunks, and resuming at chunk K gives the same tail")
    func determinismAndResume() throws {
        let files = try TestFiles()
        let (households, loans) = try largeFiles(files)
        let index = try ListIndex(households: households, loans: loans)
        #expect(index.householdCount == 1_000)
        #expect(index.loanCount == 3_000)
        let planner = ChunkPlanner(index: index, batch: Self.batch, chunkSize: 7)
        let all = try allChunks(planner)
        #expect(all.count == planner.chunkCount)
        #expect(all.map(\.households).reduce(0, +) == 1_000)
        #expect(all.map(\.loans).reduce(0, +) == 3_000)
        #expect(all.filter { $0.stage == .loansOnly }.count == planner.loanChunkCount)

        let again = try allChunks(ChunkPlanner(index: try ListIndex(households: households, loans: loans), batch: Self.batch, chunkSize: 7))
        #expect(again == all)

        for start in [0, 1, 9, 10, 63, 64, 100, planner.householdChunkCount - 1, planner.householdChunkCount,
                      planner.householdChunkCount + 1, planner.chunkCount - 1, planner.chunkCount, planner.chunkCount + 5]
        {
            #expect(try allChunks(planner, from: start) == Array(all.dropFirst(start)), "resume at \(start)")
        }

        // Every loan appears once, households' loans in loan-file order.
        var loanIds: [String] = []
        for chunk in all {
            let parsed = try ParsedChunk(chunk.payload)
            loanIds += parsed.loans.compactMap { $0.object("record")?.string("loanId") }
            if chunk.stage == .households {
                let codes = Set(parsed.households!.compactMap { $0.object("record")?.string("householdCode") })
                for loan in parsed.loans {
                    #expect(codes.contains(loan.object("record")?.string("householdCode") ?? "?"))
                }
            } else {
                #expect(parsed.loans.allSatisfy { $0.strings("listFlags") == ["household_not_in_list"] })
            }
        }
        #expect(Set(loanIds).count == 3_000)
    }

    @Test("chunk size 1 and a list without loans")
    func edgeSizes() throws {
        let files = try TestFiles()
        let index = try ListIndex(households: files.write("h.jsonl", "{\"householdCode\":\"A\"}\n{\"householdCode\":\"B\"}\n"), loans: nil)
        let planner = ChunkPlanner(index: index, batch: BatchHeader(id: "x\"y", asOf: "2025-01-01", whatIf: true), chunkSize: 1)
        let chunks = try allChunks(planner)
        #expect(chunks.map(\.households) == [1, 1])
        let parsed = try ParsedChunk(chunks[1].payload)
        #expect(parsed.batch.string("id") == "x\"y")
        #expect(parsed.batch["whatIf"] == true)
        #expect(parsed.households?.first?.object("record")?.string("householdCode") == "B")

        let empty = try ListIndex(households: files.write("e.csv", "householdCode\n"), loans: files.write("l.csv", "loanId,householdCode\n1,Z\n"))
        let onlyLoans = try allChunks(ChunkPlanner(index: empty, batch: Self.batch))
        #expect(onlyLoans.map(\.stage) == [.loansOnly])
        #expect(onlyLoans.map(\.loans) == [1])
    }

    @Test("a file changed after pass 1 is refused")
    func fileChanged() throws {
        let files = try TestFiles()
        let path = try files.write("h.csv", "householdCode\nA\n")
        let index = try ListIndex(households: path, loans: nil)
        try files.write("h.csv", "householdCode\nA\nB\n")
        #expect(throws: BatchInputError.fileChanged(path: path)) { try ChunkPlanner(index: index, batch: Self.batch).chunks() }
    }
}
