import ChungTayCoding

/// Stage B of a batch (docs/BATCH.md): `{"batch", "loans": [item…], "reviews": [review
/// notice…]}` in, either list possibly a table; one loan-status document per loan, and the
/// `notify.emit` follow-up with the same review notices and a table of loan notices, one
/// per loan.
enum LoanStatusStage {
    static let loanListFlags: [FlagCode] = [.householdNotInList]

    static func run(_ payload: BatchStagePayload, rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        let loans: [BatchItem<LoanRecord>] = try payload.items("loans", required: true, allowedFlags: loanListFlags)
        // Handed on unchanged, but checked here so that a malformed notice fails before
        // this chunk's loan documents are stored.
        try payload.checkNotices("reviews")
        let dueSoonDays = rules.programmes.dueSoonDaysDefault

        var documents: [[UInt8]] = []
        var keys: [String] = []
        documents.reserveCapacity(loans.count)
        keys.reserveCapacity(loans.count)
        var outstanding: Int64 = 0
        var overduePrincipal: Int64 = 0
        var counters: [String: Int64] = [:]
        var byStatus = CounterTally()
        var byOverdueBucket = CounterTally()
        var flagsByCode = CounterTally()
        var followUp = JSONWriter(capacity: 4096 + payload.byteCount)
        followUp.openObject()
        followUp.key("batch")
        payload.writeBatch(to: &followUp)
        followUp.key("reviews")
        payload.writeList("reviews", to: &followUp)
        followUp.key("loans")
        LoanNotice.table.open(&followUp)

        for item in loans {
            let check = LoanCheck(item.record, rules: rules)
            var listFlags: [RecordFlag] = []
            if item.listFlags.contains(.householdNotInList) {
                listFlags.append(
                    rules.flags.flag(.householdNotInList, field: LoanField.householdCode.name, detail: check.householdCode ?? "")
                )
            }
            if let unreadable = item.unreadableFlag(rules: rules) { listFlags.append(unreadable) }
            let result = LoanStatusResult(
                check: check, asOf: payload.asOf, dueSoonDays: dueSoonDays, rules: rules, listFlags: listFlags
            )
            documents.append(ItemSource.append(item.source, to: result.jsonBytes))
            keys.append(BatchStageOutput.key(householdCode: result.householdCode))
            byStatus.add(result.status?.rawValue ?? "unassessed")
            if let bucket = result.overdueBucket { byOverdueBucket.add(bucket) }
            outstanding = saturatingSum(outstanding, result.outstanding)
            overduePrincipal = saturatingSum(overduePrincipal, result.overduePrincipal)
            for flag in result.flags { flagsByCode.add(flag.code.rawValue) }
            LoanNotice(result).writeRow(to: &followUp, source: item.source)
        }

        NoticeTable.close(&followUp)
        followUp.closeObject()
        byStatus.add(to: &counters, group: "loansByStatus")
        byOverdueBucket.add(to: &counters, group: "loansByOverdueBucket")
        flagsByCode.add(to: &counters, group: "flagsByCode")
        // Present even when zero: every chunk reaches this stage, so the summary always has totals.
        counters["totals/outstanding"] = outstanding
        counters["totals/overduePrincipal"] = overduePrincipal
        return BatchStageOutput(
            documents: documents, keys: keys,
            followUp: .init(kind: .notifyEmit, payload: followUp.finish()), counters: counters
        )
    }

    /// A record with an absurd principal is flagged, not refused, so its amounts must
    /// not trap the worker: the total stops at the largest amount instead.
    private static func saturatingSum(_ total: Int64, _ amount: Int?) -> Int64 {
        let (sum, overflow) = total.addingReportingOverflow(Int64(amount ?? 0))
        return overflow ? (sum < 0 ? .max : .min) : sum
    }
}
