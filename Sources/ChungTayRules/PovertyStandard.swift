import ChungTayCoding

/// A multidimensional poverty standard (`standard-ID.json`): the as-of dates it
/// applies to, income thresholds per area and the deprivation indicators.
///
/// A class, so that choosing the standard for each review hands out a reference.
final class PovertyStandard: Sendable {
    struct IncomeThreshold: Sendable {
        /// Poor and near-poor ceiling, VND per person per month.
        let povertyLine: Int
        /// Upper end of the average-living-standard band; nil where the standard has no band.
        let averageBandCeiling: Int?
    }

    static let fileNamePrefix = "standard-"

    let id: String
    let appliesFrom: CivilDate
    let appliesTo: CivilDate
    let rural: IncomeThreshold
    let urban: IncomeThreshold
    let poorMinimumDeprivations: Int
    /// Indicator ids in the file's order; bit i of a deprivation set is `indicatorIds[i]`.
    let indicatorIds: [String]
    private let conditions: [Indicator.Condition]

    init(_ root: RuleFileNode) throws(RuleDataError) {
        let idNode = try root.member("id")
        id = try idNode.string()
        guard root.file == Self.fileNamePrefix + id + ".json" else {
            throw idNode.error("does not match the file name (expected \(Self.fileNamePrefix)\(id).json)")
        }
        appliesFrom = try root.member("appliesFrom").date()
        let toNode = try root.member("appliesTo")
        appliesTo = try toNode.date()
        guard appliesFrom <= appliesTo else { throw toNode.error("is before appliesFrom") }
        let thresholds = try root.member("incomeThresholds")
        rural = try Self.threshold(try thresholds.member(Area.rural.rawValue))
        urban = try Self.threshold(try thresholds.member(Area.urban.rawValue))
        poorMinimumDeprivations = try root.member("poorMinimumDeprivations").integer(in: 0...1000)
        let indicatorList = try root.member("indicators")
        var indicators: [Indicator] = []
        for node in try indicatorList.elements() {
            let indicator = try Indicator(node)
            guard !indicators.contains(where: { $0.id == indicator.id }) else {
                throw try node.member("id").error("duplicate indicator id \(indicator.id)")
            }
            indicators.append(indicator)
        }
        guard (1...32).contains(indicators.count) else { throw indicatorList.error("must list 1 to 32 indicators") }
        indicatorIds = indicators.map(\.id)
        conditions = indicators.map(\.condition)
    }

    private static func threshold(_ node: RuleFileNode) throws(RuleDataError) -> IncomeThreshold {
        let line = try node.member("povertyLine").integer()
        let ceilingNode = try node.member("averageBandCeiling")
        guard !ceilingNode.value.isNull else { return IncomeThreshold(povertyLine: line, averageBandCeiling: nil) }
        let ceiling = try ceilingNode.integer()
        guard ceiling > line else { throw ceilingNode.error("must be above povertyLine (\(line))") }
        return IncomeThreshold(povertyLine: line, averageBandCeiling: ceiling)
    }

    func threshold(for area: Area) -> IncomeThreshold {
        area == .rural ? rural : urban
    }

    func covers(_ date: CivilDate) -> Bool {
        appliesFrom <= date && date <= appliesTo
    }

    /// The class and deprivations of a household under this standard (RULES.md 1.4).
    func classify(_ facts: HouseholdFacts) -> Classification {
        var deprivations: UInt32 = 0
        for index in conditions.indices where conditions[index].isDeprived(facts) {
            deprivations |= 1 << UInt32(index)
        }
        let count = deprivations.nonzeroBitCount
        let threshold = threshold(for: facts.area)
        let householdClass: HouseholdClass
        if facts.incomePerCapita <= threshold.povertyLine {
            householdClass = count >= poorMinimumDeprivations ? .poor : .nearPoor
        } else if let ceiling = threshold.averageBandCeiling, facts.incomePerCapita <= ceiling {
            householdClass = .average
        } else {
            householdClass = .above
        }
        return Classification(householdClass: householdClass, deprivations: deprivations, povertyLine: threshold.povertyLine)
    }

    struct Classification {
        let householdClass: HouseholdClass
        /// Bit i set when the household is deprived on `indicatorIds[i]`.
        let deprivations: UInt32
        let povertyLine: Int

        var deprivationCount: Int { deprivations.nonzeroBitCount }
    }
}
