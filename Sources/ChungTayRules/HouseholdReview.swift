public import ChungTayCoding

/// The outcome of reviewing one household (SCHEMA.md review document, without the
/// fields the worker runtime adds).
///
/// A record with an error flag is not classified: every derived field is nil,
/// `deprivations` and `eligiblePrograms` are empty and `change` is `none`.
public struct HouseholdReview: Sendable, Equatable {
    /// The other standard's view of the same household (RULES.md 1.6).
    public struct WhatIf: Sendable, Equatable {
        public let standard: String
        public let classification: HouseholdClass
        public let current: CurrentStatus
        /// The two standards classify the household differently.
        public let changesClass: Bool
    }

    public let asOf: CivilDate
    public let householdCode: String?
    public let headName: String?
    /// The commune's current name.
    public let commune: String?
    public let village: String?
    public let savingsGroup: String?
    public let association: Association?
    /// The standard the record was checked and classified under. Kept on unclassified
    /// records too: it depends on the as-of date, not on the record.
    public let standard: String
    public let incomePerCapita: Int?
    public let povertyLine: Int?
    public let deprivationCount: Int?
    public let classification: HouseholdClass?
    /// The list status; nil when the record's is not a valid one.
    public let previous: ListStatus?
    public let current: CurrentStatus?
    public let escapedOn: CivilDate?
    public let change: ListChange
    public let priorityScore: Int?
    public let flags: [RecordFlag]
    public let whatIf: WhatIf?

    // Deprivations and programmes are kept as bit sets over the rule data's id lists and
    // spelled out on demand: building string arrays cost more than the rules themselves.
    private let deprivationSet: UInt32
    private let indicatorIds: [String]
    private let programmeSet: UInt32
    private let programmeIds: [String]

    /// Indicator ids in the standard's order.
    public var deprivations: [String] { Self.members(of: deprivationSet, in: indicatorIds) }

    /// Programme ids in the programme table's order.
    public var eligiblePrograms: [String] { Self.members(of: programmeSet, in: programmeIds) }

    private static func members(of set: UInt32, in ids: [String]) -> [String] {
        guard set != 0 else { return [] }
        var members: [String] = []
        members.reserveCapacity(set.nonzeroBitCount)
        for index in ids.indices where set & (1 << UInt32(index)) != 0 { members.append(ids[index]) }
        return members
    }

    init(check: HouseholdCheck, asOf: CivilDate, standard: PovertyStandard, whatIfStandard: PovertyStandard?, rules: RuleBook) {
        self.asOf = asOf
        householdCode = check.householdCode
        headName = check.headName
        commune = check.commune
        village = check.village
        savingsGroup = check.savingsGroup
        association = check.association
        self.standard = standard.id
        previous = check.previous
        flags = check.flags
        indicatorIds = standard.indicatorIds
        programmeIds = rules.programmes.programmeIds

        guard let facts = check.facts, !check.flags.containsError else {
            incomePerCapita = nil
            povertyLine = nil
            deprivationSet = 0
            deprivationCount = nil
            classification = nil
            current = nil
            escapedOn = nil
            change = .none
            programmeSet = 0
            priorityScore = nil
            whatIf = nil
            return
        }
        let classified = standard.classify(facts)
        let status = Self.currentStatus(classified.householdClass, facts: facts, asOf: asOf, policy: rules.reviewPolicy)
        incomePerCapita = facts.incomePerCapita
        povertyLine = classified.povertyLine
        deprivationSet = classified.deprivations
        deprivationCount = classified.deprivationCount
        classification = classified.householdClass
        current = status.current
        escapedOn = status.escapedOn
        change = ListChange(previous: facts.listStatus, current: status.current)
        var programmes: UInt32 = 0
        let gates = rules.programmes.eligibilityGates
        for index in gates.indices {
            if let gate = gates[index],
                gate.admits(current: status.current, classification: classified.householdClass, area: facts.area)
            {
                programmes |= 1 << UInt32(index)
            }
        }
        programmeSet = programmes
        priorityScore = rules.reviewPolicy.priorityScore(
            current: status.current, deprivationCount: classified.deprivationCount,
            ethnicMinority: facts.ethnicMinority, especiallyDifficultArea: facts.especiallyDifficultArea
        )
        if let whatIfStandard {
            let other = whatIfStandard.classify(facts)
            whatIf = WhatIf(
                standard: whatIfStandard.id,
                classification: other.householdClass,
                current: Self.currentStatus(other.householdClass, facts: facts, asOf: asOf, policy: rules.reviewPolicy).current,
                changesClass: other.householdClass != classified.householdClass
            )
        } else {
            whatIf = nil
        }
    }

    /// RULES.md 1.5: a poor or near-poor household that is no longer either becomes
    /// newly escaped as of the review; a newly-escaped one keeps that status until
    /// `listStatusSince` + 3 calendar years unless it is poor or near-poor again.
    static func currentStatus(
        _ computed: HouseholdClass, facts: HouseholdFacts, asOf: CivilDate, policy: ReviewPolicy
    ) -> (current: CurrentStatus, escapedOn: CivilDate?) {
        guard !computed.isPoorOrNearPoor else { return (CurrentStatus(computed), nil) }
        switch facts.listStatus {
        case .poor, .nearPoor:
            return (.newlyEscaped, asOf)
        case .newlyEscaped:
            if let since = facts.listStatusSince, asOf < since.adding(years: policy.newlyEscapedPeriodYears) {
                return (.newlyEscaped, since)
            }
        case .average, .none:
            break
        }
        return (CurrentStatus(computed), nil)
    }

    /// The review as one line of JSON, fields in SCHEMA.md order.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("asOf")
        writer.string(asOf.description)
        writer.key("householdCode")
        writer.string(householdCode)
        writer.key("headName")
        writer.string(headName)
        writer.key("commune")
        writer.string(commune)
        writer.key("village")
        writer.string(village)
        writer.key("savingsGroup")
        writer.string(savingsGroup)
        writer.key("association")
        writer.string(association?.rawValue)
        writer.key("standard")
        writer.string(standard)
        writer.key("incomePerCapita")
        writer.integer(incomePerCapita)
        writer.key("povertyLine")
        writer.integer(povertyLine)
        writer.key("deprivations")
        writer.strings(deprivations)
        writer.key("deprivationCount")
        writer.integer(deprivationCount)
        writer.key("classification")
        writer.string(classification?.rawValue)
        writer.key("previous")
        writer.string(previous?.rawValue)
        writer.key("current")
        writer.string(current?.rawValue)
        writer.key("escapedOn")
        writer.string(escapedOn?.description)
        writer.key("change")
        writer.string(change.rawValue)
        writer.key("eligiblePrograms")
        writer.strings(eligiblePrograms)
        writer.key("priorityScore")
        writer.integer(priorityScore)
        writer.key("flags")
        writer.openArray()
        for flag in flags { flag.write(to: &writer) }
        writer.closeArray()
        writer.key("whatIf")
        if let whatIf {
            writer.openObject()
            writer.key("standard")
            writer.string(whatIf.standard)
            writer.key("classification")
            writer.string(whatIf.classification.rawValue)
            writer.key("current")
            writer.string(whatIf.current.rawValue)
            writer.key("changesClass")
            writer.bool(whatIf.changesClass)
            writer.closeObject()
        } else {
            writer.null()
        }
        writer.closeObject()
        return writer.finish()
    }
}
