import ChungTayCoding

/// VBSP lending programmes, their rates and ceilings, the household-level eligibility
/// gate, and the overdue rules (`programmes.json`).
final class ProgrammeTable: Sendable {
    static let fileName = "programmes.json"

    struct Programme: Sendable {
        let id: String
        /// Percent per year.
        let annualRatePercent: DecimalNumber
        let maxPrincipal: Int?
        /// Conditions that must all hold for a review to list the programme; nil when a
        /// household review never offers it.
        let eligibility: Eligibility?
    }

    /// The household-level gate of RULES.md 1.5: each listed condition must hold. The
    /// admitted values are bit sets, so a review tests them without hashing.
    struct Eligibility: Sendable {
        let current: UInt8
        let classification: UInt8
        let area: UInt8

        func admits(current: CurrentStatus, classification: HouseholdClass, area: Area) -> Bool {
            self.current & current.bit != 0 && self.classification & classification.bit != 0 && self.area & area.bit != 0
        }
    }

    struct OverdueBucket: Sendable {
        let label: String
        let fromDays: Int
        let toDays: Int?
    }

    let programmes: [Programme]
    private let programmeIndex: [String: Int]
    /// Programme ids in table order; bit i of an eligibility set is `programmeIds[i]`.
    let programmeIds: [String]
    /// Each programme's gate in table order, nil where a review never offers it.
    let eligibilityGates: [Eligibility?]
    /// The extra share of the rate on overdue principal (130% − 100% = 0.30).
    let overdueSurchargeRate: DecimalNumber
    let overdueBuckets: [OverdueBucket]
    let interestDayCountBasis: Int
    let dueSoonDaysDefault: Int

    init(_ root: RuleFileNode) throws(RuleDataError) {
        var programmes: [Programme] = []
        for node in try root.member("programmes").elements() {
            let idNode = try node.member("id")
            let id = try idNode.string()
            guard !programmes.contains(where: { $0.id == id }) else { throw idNode.error("duplicate programme \(id)") }
            let maxNode = try node.member("maxPrincipal")
            let eligibility: Eligibility? =
                if let eligibleWhen = try node.optionalMember("eligibleWhen") { try Self.eligibility(eligibleWhen) } else { nil }
            programmes.append(
                Programme(
                    id: id,
                    annualRatePercent: try node.member("annualRatePercent").nonNegativeDecimal(),
                    maxPrincipal: maxNode.value.isNull ? nil : try maxNode.integer(in: 1...Int.max),
                    eligibility: eligibility
                )
            )
        }
        guard programmes.count <= 32 else { throw try root.member("programmes").error("at most 32 programmes") }
        self.programmes = programmes
        programmeIds = programmes.map(\.id)
        eligibilityGates = programmes.map(\.eligibility)
        programmeIndex = Dictionary(uniqueKeysWithValues: programmes.enumerated().map { ($0.element.id, $0.offset) })

        let overdue = try root.member("overdue")
        let multiplierNode = try overdue.member("interestMultiplier")
        let multiplier = try multiplierNode.decimal()
        guard multiplier >= DecimalNumber(1), let surcharge = DecimalNumber(
            units: multiplier.units - DecimalNumber.powerOfTen(multiplier.scale), scale: multiplier.scale
        ) else { throw multiplierNode.error("must be at least 1 (1.30 means overdue principal bears 130% of the rate)") }
        overdueSurchargeRate = surcharge
        overdueBuckets = try Self.buckets(try overdue.member("buckets"))
        interestDayCountBasis = try root.member("interestDayCountBasis").integer(in: 1...1000)
        dueSoonDaysDefault = try root.member("dueSoonDaysDefault").integer(in: 0...3660)
    }

    private static func eligibility(_ node: RuleFileNode) throws(RuleDataError) -> Eligibility {
        func bits<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type, _ bit: (Value) -> UInt8)
            throws(RuleDataError) -> UInt8 where Value.RawValue == String
        {
            guard let list = try node.optionalMember(key) else { return .max }
            var bits: UInt8 = 0
            for element in try list.elements() { bits |= bit(try element.oneOf(type)) }
            return bits
        }
        return Eligibility(
            current: try bits("current", CurrentStatus.self, \.bit),
            classification: try bits("classification", HouseholdClass.self, \.bit),
            area: try bits("area", Area.self, \.bit)
        )
    }

    /// Buckets must start at 1 day and follow each other without gap; only the last is open-ended.
    private static func buckets(_ node: RuleFileNode) throws(RuleDataError) -> [OverdueBucket] {
        var buckets: [OverdueBucket] = []
        let elements = try node.elements()
        guard !elements.isEmpty else { throw node.error("must list at least one bucket") }
        for (position, element) in elements.enumerated() {
            let fromNode = try element.member("fromDays")
            let from = try fromNode.integer(in: 1...Int.max)
            let expectedFrom = buckets.last.map { ($0.toDays ?? 0) + 1 } ?? 1
            guard from == expectedFrom else { throw fromNode.error("must be \(expectedFrom), continuing the previous bucket") }
            let toNode = try element.member("toDays")
            let to: Int? = toNode.value.isNull ? nil : try toNode.integer(in: from...Int.max)
            guard (to == nil) == (position == elements.count - 1) else {
                throw toNode.error("only the last bucket is open-ended (null)")
            }
            buckets.append(OverdueBucket(label: try element.member("label").string(), fromDays: from, toDays: to))
        }
        return buckets
    }

    func programme(_ id: String) -> Programme? {
        programmeIndex[id].map { programmes[$0] }
    }

    func bucket(daysOverdue: Int) -> String? {
        overdueBuckets.first { daysOverdue >= $0.fromDays && daysOverdue <= ($0.toDays ?? Int.max) }?.label
    }
}
