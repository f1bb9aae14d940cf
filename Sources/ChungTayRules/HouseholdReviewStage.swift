import ChungTayCoding

/// Stage A of a batch (docs/BATCH.md): `{"batch", "households": [item…], "loans":
/// [item…]}` in, either list possibly a table; one review document per household, and the
/// `loan.status` follow-up with the same loan items and a table of review notices, one per
/// household (which, unlike the review, carries the borrower's mobile number).
enum HouseholdReviewStage {
    static let householdListFlags: [FlagCode] = [.duplicateCitizenId, .duplicateHouseholdCode]

    static func run(_ payload: BatchStagePayload, rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        let households: [BatchItem<HouseholdRecord>] = try payload.items(
            "households", required: true, allowedFlags: householdListFlags)
        // The loans are only handed on, but a malformed one must fail here, before this
        // chunk's reviews are stored, not in stage B.
        let _: [BatchItem<UnreadRecord>] = try payload.items(
            "loans", required: false, allowedFlags: LoanStatusStage.loanListFlags)
        let standard = try rules.standard(covering: payload.asOf)
        let whatIfStandard = payload.whatIf ? rules.counterpart(of: standard) : nil

        var documents: [[UInt8]] = []
        var keys: [String] = []
        documents.reserveCapacity(households.count)
        keys.reserveCapacity(households.count)
        var counters: [String: Int64] = [:]
        var byCommune = CounterTally()
        var byChange = CounterTally()
        var flagsByCode = CounterTally()
        var followUp = JSONWriter(capacity: 4096 + payload.byteCount)
        followUp.openObject()
        followUp.key("batch")
        payload.writeBatch(to: &followUp)
        followUp.key("loans")
        payload.writeList("loans", to: &followUp)
        followUp.key("reviews")
        ReviewNotice.table.open(&followUp)

        for item in households {
            let record = item.record
            var check = HouseholdCheck(record, rules: rules)
            check.append(listFlags: listFlags(of: item, check: check, rules: rules))
            let review = HouseholdReview(
                check: check, asOf: payload.asOf, standard: standard, whatIfStandard: whatIfStandard, rules: rules
            )
            documents.append(ItemSource.append(item.source, to: review.jsonBytes))
            keys.append(BatchStageOutput.key(householdCode: review.householdCode))
            byCommune.add(review.commune ?? "(unknown)", review.current?.rawValue ?? "unclassified")
            byChange.add(review.change.rawValue)
            for flag in review.flags { flagsByCode.add(flag.code.rawValue) }
            // Only the number an SMS can go to travels on, not whatever else the field holds.
            let phone = rules.notificationRules.mobileNumbers.firstNumber(in: record[.phone].text)
            ReviewNotice(review, phone: phone).writeRow(to: &followUp, source: item.source)
        }

        NoticeTable.close(&followUp)
        followUp.closeObject()
        byCommune.add(to: &counters, group: "byCommune")
        byChange.add(to: &counters, group: "byChange")
        flagsByCode.add(to: &counters, group: "flagsByCode")
        return BatchStageOutput(
            documents: documents, keys: keys,
            followUp: .init(kind: .loanStatus, payload: followUp.finish()), counters: counters
        )
    }

    /// The client's list-level flags, in RULES.md table order and as `reviewList` words
    /// them, then `record_unreadable` for a line that could not be read.
    private static func listFlags(of item: BatchItem<HouseholdRecord>, check: HouseholdCheck, rules: RuleBook) -> [RecordFlag] {
        var flags: [RecordFlag] = []
        if item.listFlags.contains(.duplicateCitizenId) {
            flags.append(rules.flags.flag(.duplicateCitizenId, field: HouseholdField.citizenId.name))
        }
        if item.listFlags.contains(.duplicateHouseholdCode) {
            flags.append(
                rules.flags.flag(.duplicateHouseholdCode, field: HouseholdField.householdCode.name, detail: check.householdCode ?? "")
            )
        }
        if let unreadable = item.unreadableFlag(rules: rules) { flags.append(unreadable) }
        return flags
    }
}
