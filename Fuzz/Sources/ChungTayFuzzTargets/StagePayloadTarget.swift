import ChungTayCoding
import ChungTayRules
import ChungTayWire
import Foundation

/// `stage-payload`: a task payload as a worker's domain handlers receive it, run against
/// the shipped rules. The first input byte chooses the kind and the form (0–2: the batch
/// stage of `household.review`, `loan.status`, `notify.emit` (docs/BATCH.md); 3–5: their
/// single-record tasks), the rest is the payload.
///
/// Properties: every document is one line of strict JSON holding an object; a batch
/// stage gives one key per document, keys and counter names that fit their RESULT length
/// prefixes, and a follow-up of a valid kind whose payload is a JSON object. A batch stage
/// gives the same output, or the same rejection, whether its lists are scanned straight
/// into records (`ParsedPayload(_:for:)`, as workers read them) or read into values first
/// (`ParsedPayload(_:)`, the path every list took before and still takes when not canonical),
/// and a single-record task gives the same documents, or rejection, either way.
enum StagePayloadTarget {
    static let target = FuzzTarget(name: "stage-payload", run: run, seeds: seeds)

    static let kinds: [TaskKind] = [.householdReview, .loanStatus, .notifyEmit]

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let selector = input.first, let rules = try? RuleBook.bundled() else { return }
        try run(selector: selector, payload: Array(input.dropFirst()), rules: rules)
    }

    /// Shared with `RuleDataTarget`, which runs the seeds against the rules it loaded.
    static func run(selector: UInt8, payload: [UInt8], rules: RuleBook) throws(FuzzFailure) {
        let kind = kinds[Int(selector % 3)]
        if selector % 6 < 3 {
            guard let output = try sameByBothReadings(kind: kind, payload: payload, rules: rules) else { return }
            try checkDocuments(output.documents, kind: kind)
            try check(output.keys.count == output.documents.count, "\(kind): \(output.keys.count) keys for \(output.documents.count) documents")
            try check(output.keys.allSatisfy { $0.utf8.count <= Int(UInt16.max) }, "\(kind): a key is longer than a RESULT key can be")
            try check(
                output.outbox.isEmpty || output.outbox.count == output.documents.count,
                "\(kind): \(output.outbox.count) outbox keys for \(output.documents.count) documents")
            try check(
                output.outbox.allSatisfy { $0.dedupKey.utf8.count <= OutboxKey.maximumBytes },
                "\(kind): an outbox key is longer than a RESULT outbox key can be")
            try check(
                output.counters.keys.allSatisfy { !$0.isEmpty && $0.utf8.count <= Counter.maxNameLength },
                "\(kind): a counter name is empty or longer than \(Counter.maxNameLength) bytes")
            if let followUp = output.followUp {
                try check(JobSpec.isValidKind(followUp.kind.rawValue), "\(kind): follow-up kind \(followUp.kind) is not a kind name")
                try check((try? JSONValue(parsing: followUp.payload))?.objectValue != nil, "\(kind): the follow-up payload is not a JSON object")
            }
        } else {
            let asWorkers = Result { () throws(TaskRejection) in try singleRecord(kind: kind, payload: ParsedPayload(payload, for: kind), rules: rules) }
            let read = Result { () throws(TaskRejection) in try singleRecord(kind: kind, payload: ParsedPayload(payload), rules: rules) }
            switch (asWorkers, read) {
            case (.success(let documents), .success(let read)):
                try check(documents == read, "\(kind) task: reading the payload for the kind's stage gives other documents")
                try checkDocuments(documents, kind: kind)
            case (.failure(let asWorkers), .failure(let read)):
                try check(asWorkers == read, "\(kind) task: read for the kind's stage it is refused with \(asWorkers), read whole with \(read)")
            default:
                throw FuzzFailure("\(kind) task: reading it for the kind's stage and reading it whole disagree on whether it is refused")
            }
        }
    }

    /// A single-record task's documents; the payload is read as workers read it, which
    /// leaves the kind's stage lists unread when they are canonical, or whole. A single-record
    /// payload may hold a member of a stage list's name (`notify.emit` has `loans`), which
    /// reading it for the stage must then not lose.
    private static func singleRecord(kind: TaskKind, payload: ParsedPayload, rules: RuleBook) throws(TaskRejection) -> [[UInt8]] {
        switch kind {
        case .householdReview: [try HouseholdReviewTask.run(payload: payload, rules: rules)]
        case .loanStatus: [try LoanStatusTask.run(payload: payload, rules: rules)]
        default: try NotifyEmitTask.messages(payload: payload, rules: rules).map(\.jsonBytes)
        }
    }

    /// The stage's output as workers read the payload, after checking that reading every
    /// list into values first gives the same output or the same rejection; nil when refused.
    private static func sameByBothReadings(kind: TaskKind, payload: [UInt8], rules: RuleBook) throws(FuzzFailure) -> BatchStageOutput? {
        let scanned = Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: payload, rules: rules) }
        let read = Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: ParsedPayload(payload), rules: rules) }
        switch (scanned, read) {
        case (.failure(let scanned), .failure(let read)):
            try check(scanned == read, "\(kind): scanning the lists refuses with \(scanned), reading them with \(read)")
            return nil
        case (.success(let scanned), .success(let read)):
            try check(scanned.documents == read.documents, "\(kind): scanning the lists gives other documents")
            try check(scanned.keys == read.keys, "\(kind): scanning the lists gives other keys")
            try check(scanned.counters == read.counters, "\(kind): scanning the lists gives other counters")
            try check(scanned.followUp == read.followUp, "\(kind): scanning the lists gives another follow-up")
            try check(scanned.outbox == read.outbox, "\(kind): scanning the lists gives other outbox keys")
            return scanned
        default:
            throw FuzzFailure("\(kind): scanning the lists and reading them disagree on whether the payload is refused")
        }
    }

    private static func checkDocuments(_ documents: [[UInt8]], kind: TaskKind) throws(FuzzFailure) {
        for document in documents {
            try check(ResultDocumentCheck.isSingleLineObject(document), "\(kind): a document is not one line")
            try check((try? JSONValue(parsing: document))?.objectValue != nil, "\(kind): a document is not a strict JSON object")
        }
    }

    /// Stage A's payload for a chunk of three households (one flagged by its list) and
    /// their loans; stages B and C get what the stage before hands on.
    static let stageA = #"""
        {"batch":{"id":"B1","asOf":"2026-03-01","whatIf":false},"households":[\#
        {"file":"households.csv","line":2,"record":{"householdCode":"TL-1","headName":"Nguyễn Văn An","citizenId":"079123456789","commune":"Tánh Linh","village":"Thôn 1","area":"rural","members":"4","monthlyIncomePerCapita":"1400000","housingAreaM2":"40","savingsGroup":"TL-G01","association":"farmers"}},\#
        {"file":"households.csv","line":3,"record":{"householdCode":"TL-2","members":"0","monthlyIncomePerCapita":"-5","area":"urban"},"listFlags":["duplicate_household_code"]},\#
        {"file":"households.csv","line":4,"record":{},"inputError":{"column":3,"field":"citizenId","message":"invalid UTF-8 in the cell"}}],\#
        "loans":[{"file":"loans.jsonl","line":1,"record":{"loanId":"L-1","householdCode":"TL-1","program":"poor_household","principal":12000000,"disbursedOn":"2025-01-15","maturityOn":"2027-01-15","repaymentPeriodMonths":4}},\#
        {"file":"loans.jsonl","line":2,"record":{"loanId":"L-2","householdCode":"TL-2","program":"near_poor_household","principal":"9e15","disbursedOn":"2025-02-30","repaymentPeriodMonths":0},"listFlags":["household_not_in_list"]}]}
        """#

    /// Stage A's payload as a client writes a CSV list's chunk (docs/BATCH.md "Tables"):
    /// rows of cells under a header, an empty cell null, a column named twice, a column
    /// no record has, a short row and a row with an input error (`stage-tables`); stage B
    /// gets the loan table as it came and stage A's review table (`stage-tables-loans`),
    /// stage C the tables of notices (`stage-tables-notices`).
    static let tables = #"""
        {"batch":{"id":"B1","asOf":"2026-03-01","whatIf":false},"households":{"file":"households.csv","fields":["householdCode","headName","citizenId","commune","area","members","monthlyIncomePerCapita","note","members","phone"],"items":[\#
        {"line":2,"cells":["TL-1","Nguyễn Văn An","079123456789","Tánh Linh","rural","4","1400000",null,null,"0912345678"]},\#
        {"line":3,"cells":["TL-2",null,null,null,"urban","0","-5","x","2"],"listFlags":["duplicate_household_code"]},\#
        {"line":4,"cells":["TL-3"],"inputError":{"column":3,"field":"citizenId","message":"invalid UTF-8 in the cell"}}]},\#
        "loans":{"file":"loans.csv","fields":["loanId","householdCode","program","principal","disbursedOn","maturityOn","repaymentPeriodMonths"],"items":[\#
        {"line":2,"cells":["L-1","TL-1","poor_household","12000000","2025-01-15","2027-01-15","4"]},\#
        {"line":3,"cells":["L-2","TL-9",null,"9e15","2025-02-30"],"listFlags":["household_not_in_list"]}]}}
        """#

    /// Items whose shape the scanner must judge as the value reader does: repeated and
    /// unknown members, records of every odd kind, and malformed items, all in the
    /// canonical spelling that workers scan (`stage-odd-items`, `stage-odd-loans`).
    static let oddHouseholds = #"""
        {"batch":{"id":"B1","asOf":"2026-03-01"},"households":[\#
        {"file":"h.csv","line":2,"extra":[1,{"a":"b"}],"record":{"householdCode":"TL-1","members":"2","members":3,"note":{"x":[1,2]},"headName":{"a":1},"safeWater":"có","area":null,"phone":"0912 345 678"}},\#
        {"file":"h.csv","line":3,"record":{"householdCode":"TL-2"},"record":{"householdCode":"TL-3","listStatusSince":"2025-02-30"}},\#
        {"file":"h.xlsx","sheet":"Danh sách","line":4,"record":{},"listFlags":["duplicate_citizen_id","duplicate_household_code"],"inputError":{"column":2,"field":null,"message":"x"}}],\#
        "loans":[{"file":"l.csv","line":1,"record":{"loanId":"L-1","termAdjustments":[{"dueOn":"2025-01-01","newDueOn":"2025-03-01"}],"x":true}}]}
        """#
    static let oddLoans = #"""
        {"batch":{"id":"B1","asOf":"2026-03-01"},"loans":[\#
        {"file":"l.csv","line":1,"record":{"loanId":"L-1","householdCode":"TL-1","program":"poor_household","principal":12000000,"disbursedOn":"2025-01-15","maturityOn":"2027-01-15","repaymentPeriodMonths":4,"termAdjustments":[{"dueOn":"2025-05-15","newDueOn":"2025-07-15"}],"misusedFunds":"0"}},\#
        {"file":"l.csv","line":2,"record":[],"record":{"loanId":"L-2"}}],"reviews":[]}
        """#
    /// Stage C's notices as oddly as a tolerant reader must take them: repeated, unknown and
    /// nested members, amounts as text, flags of other severities, a sheet, no source, and
    /// a notice spelled `{}` (`stage-odd-notices`).
    static let oddNotices = #"""
        {"batch":{"id":"B1","asOf":"2026-03-01"},"reviews":[\#
        {"householdCode":"TL-1","headName":"A","headName":"Nguyễn Văn An","x":{"y":[1,{"z":null}]},"change":"entered","current":"poor","previous":null,"priorityScore":"7","phone":"0912345678","flags":[{"code":"members_invalid","field":"members","severity":"error"},{"code":"w","severity":"warning"},{"code":"e2","severity":"error"}],"source":{"file":"h.csv","sheet":"S","line":2}},\#
        {},{"householdCode":"TL-2","change":"left","flags":null,"source":{"file":"h.csv","line":"3"}}],\#
        "loans":[{"loanId":"L-1","householdCode":"TL-1","status":"overdue","nextDueOn":"2026-03-10","nextDueAmount":"1500000","daysOverdue":12,"overduePrincipal":3000000,"flags":[],"source":{"file":"l.csv","line":1},"source":null},\#
        {"loanId":"L-2","status":"current","nextDueOn":"2026-03-05","nextDueAmount":500000,"flags":[{"code":"c","field":null,"severity":"error"}]},\#
        {"loanId":"L-3","householdCode":"TL-9","status":"due_soon","nextDueOn":"2026-03-20","nextDueAmount":1}]}
        """#

    static let household = #"{"householdCode":"TL-9","headName":"Trần Thị B","citizenId":"079123456780","commune":"Tánh Linh","village":"Thôn 2","area":"rural","members":3,"monthlyIncomePerCapita":900000,"housingAreaM2":20,"safeWater":false}"#
    static let loan = #"{"loanId":"L-9","householdCode":"TL-9","program":"poor_household","principal":30000000,"disbursedOn":"2024-06-01","maturityOn":"2029-06-01","repaymentPeriodMonths":6,"principalRepaid":1000000}"#

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        guard let rules = try? RuleBook.bundled() else { return [] }
        var payload = Array(stageA.utf8)
        for (index, kind) in kinds.enumerated() {
            seeds.add("stage-\(kind)", [UInt8(index)] + payload)
            guard let next = try? BatchStage.run(kind: kind, payload: payload, rules: rules).followUp?.payload else { break }
            payload = next
        }
        seeds.add("stage-what-if", [0] + Array(stageA.replacingOccurrences(of: #""whatIf":false"#, with: #""whatIf":true"#).utf8))
        seeds.add("stage-odd-items", [0] + Array(oddHouseholds.utf8))
        seeds.add("stage-odd-loans", [1] + Array(oddLoans.utf8))
        seeds.add("stage-odd-notices", [2] + Array(oddNotices.utf8))
        seeds.add("stage-tables", [0] + Array(tables.utf8))
        if let toB = try? BatchStage.run(kind: .householdReview, payload: Array(tables.utf8), rules: rules).followUp?.payload {
            seeds.add("stage-tables-loans", [1] + toB)
            if let toC = try? BatchStage.run(kind: .loanStatus, payload: toB, rules: rules).followUp?.payload {
                seeds.add("stage-tables-notices", [2] + toC)
            }
        }
        seeds.add(
            "stage-odd-refused",
            [0] + Array(#"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"h.csv","line":2,"record":{"a":1},"record":null}]}"#.utf8))
        seeds.add("stage-no-standard", [0] + Array(stageA.replacingOccurrences(of: "2026-03-01", with: "1990-01-01").utf8))
        seeds.add("household-review", [3] + Array(#"{"asOf":"2026-03-01","household":\#(household)}"#.utf8))
        seeds.add("household-review-what-if", [3] + Array(#"{"asOf":"2026-10-01","household":\#(household),"whatIf":true,"standard":null}"#.utf8))
        seeds.add("loan-status", [4] + Array(#"{"asOf":"2026-03-01","loan":\#(loan),"dueSoonDays":30}"#.utf8))
        if let review = try? HouseholdReviewTask.run(payload: Array(#"{"asOf":"2026-03-01","household":\#(household)}"#.utf8), rules: rules),
            let status = try? LoanStatusTask.run(payload: Array(#"{"asOf":"2026-03-01","loan":\#(loan)}"#.utf8), rules: rules)
        {
            let notify = #"{"asOf":"2026-03-01","review":"# + String(decoding: review, as: UTF8.self) + #","loans":["#
                + String(decoding: status, as: UTF8.self) + #"],"hasActiveLoan":true}"#
            seeds.add("notify-emit", [5] + Array(notify.utf8))
        }
        return seeds.seeds
    }
}
