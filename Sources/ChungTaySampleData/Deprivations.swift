import ChungTayRules
/// The raw facts behind the twelve deprivation indicators of RULES.md 1.3, chosen so
/// that a household lacks exactly the planned number of indicators.
///
/// The facts, not the indicator results, are what a list records, so each chosen
/// indicator is turned into counts and yes/no answers that cross its threshold and each
/// other one into answers that stay clear of it.
struct Deprivations {
    enum Indicator {
        case employment, dependants, nutrition, healthInsurance, adultEducation, childSchooling
        case housingQuality, housingArea, drinkingWater, latrine, telecom, informationAccess
    }

    /// How common each deprivation is among the households that have some: health
    /// insurance, sanitation and informal work dominate in rural Vietnam.
    private static let commonness: [(Indicator, Int)] = [
        (.employment, 16), (.dependants, 8), (.nutrition, 4), (.healthInsurance, 18), (.adultEducation, 7),
        (.childSchooling, 4), (.housingQuality, 8), (.housingArea, 7), (.drinkingWater, 8), (.latrine, 12),
        (.telecom, 3), (.informationAccess, 5),
    ]

    private(set) var lacking: Set<Indicator> = []

    init(for computed: HouseholdPlan.Class, using random: inout SplitMix64) {
        let count: Int =
            switch computed {
            case .poor: 3 + random.weighted([(0, 45), (1, 30), (2, 15), (3, 10)])
            case .nearPoor: random.weighted([(0, 30), (1, 40), (2, 30)])
            case .average: random.weighted([(0, 50), (1, 35), (2, 15)])
            case .above: random.weighted([(0, 80), (1, 20)])
            }
        var remaining = Self.commonness
        for _ in 0..<count {
            let pick = random.weighted(remaining.enumerated().map { ($0.offset, $0.element.1) })
            lacking.insert(remaining.remove(at: pick).0)
        }
    }

    func write(into record: inout SampleRecord<HouseholdField>, members: Int, using random: inout SplitMix64) {
        func count(_ indicator: Indicator, deprived: ClosedRange<Int>) -> SampleValue? {
            lacking.contains(indicator) ? .integer(random.int(in: deprived)) : optionalZero(&random)
        }
        if lacking.contains(.employment) {
            if random.chance(50) {
                record[.unemployedMembers] = .integer(1)
            } else {
                record[.noContractWageMembers] = .integer(random.int(in: 1...min(2, members)))
            }
        } else {
            record[.unemployedMembers] = optionalZero(&random)
            record[.noContractWageMembers] = optionalZero(&random)
        }
        record[.dependants] = .integer(
            lacking.contains(.dependants) ? members / 2 + 1 : random.int(in: 0...(members / 2)))
        record[.malnourishedChildren] = count(.nutrition, deprived: 1...1)
        record[.uninsuredMembersAged6Plus] = count(.healthInsurance, deprived: 1...min(3, members))
        record[.undereducatedAdults16to30] = count(.adultEducation, deprived: 1...1)
        record[.childrenOutOfSchool3to15] = count(.childSchooling, deprived: 1...1)
        record[.nonDurableHousingParts] = .integer(
            lacking.contains(.housingQuality) ? random.int(in: 2...3) : random.weighted([(0, 80), (1, 20)]))
        // Tenths of a square metre; below 8 m² a person is deprived, exactly 8 is not.
        let tenths =
            lacking.contains(.housingArea)
            ? random.int(in: (40 * members)...(80 * members - 1)) : random.int(in: (80 * members)...(280 * members))
        record[.housingAreaM2] =
            tenths % 10 == 0 ? .integer(tenths / 10) : .decimal(String(tenths / 10) + "." + String(tenths % 10))
        record[.safeWater] = answer(!lacking.contains(.drinkingWater), &random)
        record[.hygienicLatrine] = answer(!lacking.contains(.latrine), &random)
        record[.telecomUse] = answer(!lacking.contains(.telecom), &random)
        record[.informationDevices] = answer(!lacking.contains(.informationAccess), &random)
    }

    /// A count of zero is often left blank on a list; blank means 0.
    private func optionalZero(_ random: inout SplitMix64) -> SampleValue? {
        random.chance(30) ? nil : .integer(0)
    }

    /// A "yes" is sometimes left blank; blank means yes for these four facts.
    private func answer(_ yes: Bool, _ random: inout SplitMix64) -> SampleValue? {
        yes && random.chance(20) ? nil : .boolean(yes)
    }
}
