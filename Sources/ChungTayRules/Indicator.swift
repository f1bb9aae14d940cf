import ChungTayCoding

/// One deprivation indicator of a poverty standard, with its condition read from the
/// standard file so that a new standard's wording is a data change.
///
/// A condition is either a yes/no fact with the value that means deprived
/// (`{"fact": "safeWater", "is": false}`), or a sum of numeric facts, optionally per
/// household member, compared with a threshold (`{"sumOf": ["dependants"],
/// "perMember": true, "above": 0.5}`; comparisons `atLeast`, `above`, `below`, `atMost`).
/// Comparisons are exact: 24 m² for 3 members is exactly 8 per person, not deprived.
struct Indicator: Sendable {
    enum Comparison: String, Sendable, CaseIterable {
        case atLeast, above, below, atMost
    }

    /// The condition in a form evaluated without reference counting: the summed facts
    /// are a bit set of `NumericFact` raw values.
    struct Condition: Sendable {
        enum Kind: Sendable {
            case fact, sum
        }

        let kind: Kind
        let fact: BooleanFact
        let deprivedWhen: Bool
        let summedFacts: UInt32
        let perMember: Bool
        let comparison: Comparison
        let threshold: DecimalNumber
    }

    let id: String
    let condition: Condition

    /// The dimension is required in the file, for people reading it, but no rule uses it.
    init(_ node: RuleFileNode) throws(RuleDataError) {
        id = try node.member("id").string()
        _ = try node.member("dimension").string()
        let rule = try node.member("deprivedWhen")
        if let factNode = try rule.optionalMember("fact") {
            condition = Condition(
                kind: .fact, fact: try Self.named(factNode, BooleanFact.self), deprivedWhen: try rule.member("is").bool(),
                summedFacts: 0, perMember: false, comparison: .atLeast, threshold: DecimalNumber(0)
            )
            return
        }
        let facts = try rule.member("sumOf")
        var summed: UInt32 = 0
        for element in try facts.elements() {
            let fact = try Self.named(element, NumericFact.self)
            guard summed & (1 << fact.rawValue) == 0 else { throw element.error("names \(fact.name) twice") }
            summed |= 1 << fact.rawValue
        }
        guard summed != 0 else { throw facts.error("must name at least one fact") }
        var thresholds: [(Comparison, RuleFileNode)] = []
        for comparison in Comparison.allCases {
            if let threshold = try rule.optionalMember(comparison.rawValue) { thresholds.append((comparison, threshold)) }
        }
        guard thresholds.count == 1, let (comparison, threshold) = thresholds.first else {
            let names = Comparison.allCases.map(\.rawValue).joined(separator: ", ")
            throw rule.error("needs exactly one of \(names) (or a fact with is)")
        }
        condition = Condition(
            kind: .sum, fact: .safeWater, deprivedWhen: true, summedFacts: summed,
            perMember: try rule.optionalMember("perMember")?.bool() ?? false, comparison: comparison,
            threshold: try threshold.decimal()
        )
    }

    private static func named<Fact: CaseIterable>(_ node: RuleFileNode, _: Fact.Type) throws(RuleDataError) -> Fact {
        let name = try node.string()
        guard let fact = Fact.allCases.first(where: { "\($0)" == name }) else {
            let known = Fact.allCases.map { "\($0)" }.joined(separator: ", ")
            throw node.error("unknown fact \"\(name)\" (expected one of: \(known))")
        }
        return fact
    }
}

extension Indicator.Condition {
    func isDeprived(_ facts: HouseholdFacts) -> Bool {
        switch kind {
        case .fact:
            return facts.value(of: fact) == deprivedWhen
        case .sum:
            let order = compareSum(facts)
            switch comparison {
            case .atLeast: return order >= 0
            case .above: return order > 0
            case .below: return order < 0
            case .atMost: return order <= 0
            }
        }
    }

    /// The sign of `Σ facts (/ members) − threshold`, exactly: in machine integers when
    /// nothing overflows (every real record), otherwise in Int128 fractions.
    private func compareSum(_ facts: HouseholdFacts) -> Int {
        if summedFacts & Self.fractionalFacts == 0, let order = compareWholeSum(facts) { return order }
        var scale = 0
        var remaining = summedFacts
        while remaining != 0 {
            let fact = NumericFact(rawValue: remaining.trailingZeroBitCount)!
            scale = max(scale, facts.value(of: fact).scale)
            remaining &= remaining - 1
        }
        var numerator = 0
        var overflow = false
        remaining = summedFacts
        while remaining != 0 {
            let value = facts.value(of: NumericFact(rawValue: remaining.trailingZeroBitCount)!)
            let (scaled, o1) = value.units.multipliedReportingOverflow(by: DecimalNumber.powerOfTen(scale - value.scale))
            let (sum, o2) = numerator.addingReportingOverflow(scaled)
            overflow = overflow || o1 || o2
            numerator = sum
            remaining &= remaining - 1
        }
        let (denominator, o3) = DecimalNumber.powerOfTen(scale).multipliedReportingOverflow(by: perMember ? facts.members : 1)
        let (left, o4) = numerator.multipliedReportingOverflow(by: DecimalNumber.powerOfTen(threshold.scale))
        let (right, o5) = threshold.units.multipliedReportingOverflow(by: denominator)
        if !(overflow || o3 || o4 || o5) { return left < right ? -1 : (left > right ? 1 : 0) }

        return compareWide(facts, scale: scale)
    }

    /// Facts that may hold a fraction; every other fact is a whole number.
    private static let fractionalFacts: UInt32 = 1 << NumericFact.housingAreaM2.rawValue

    /// The common case, a sum of counts: whole numbers added and cross-multiplied in
    /// machine integers; nil if anything overflows.
    private func compareWholeSum(_ facts: HouseholdFacts) -> Int? {
        var total = 0
        var remaining = summedFacts
        while remaining != 0 {
            let (sum, overflow) = total.addingReportingOverflow(
                facts.value(of: NumericFact(rawValue: remaining.trailingZeroBitCount)!).units
            )
            if overflow { return nil }
            total = sum
            remaining &= remaining - 1
        }
        let (left, o1) = total.multipliedReportingOverflow(by: DecimalNumber.powerOfTen(threshold.scale))
        let (right, o2) = threshold.units.multipliedReportingOverflow(by: perMember ? facts.members : 1)
        if o1 || o2 { return nil }
        return left < right ? -1 : (left > right ? 1 : 0)
    }

    private func compareWide(_ facts: HouseholdFacts, scale: Int) -> Int {
        var wideNumerator: Int128 = 0
        var remaining = summedFacts
        while remaining != 0 {
            let value = facts.value(of: NumericFact(rawValue: remaining.trailingZeroBitCount)!)
            wideNumerator += Int128(value.units) * DecimalNumber.powerOfTen128(scale - value.scale)
            remaining &= remaining - 1
        }
        var wideDenominator = DecimalNumber.powerOfTen128(scale)
        if perMember { wideDenominator *= Int128(facts.members) }
        return ExactRatio.compare(
            wideNumerator, wideDenominator, Int128(threshold.units), DecimalNumber.powerOfTen128(threshold.scale)
        )
    }
}
