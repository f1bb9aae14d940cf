import ChungTayRules
/// Draws household `index` of a run from the seed alone.
///
/// Each household has its own generator stream, so records do not shift when another
/// record's drawing changes and a million-household run needs no state but the index.
struct HouseholdGenerator {
    let seed: UInt64

    /// Heads are born 1940...2006 (67 years), male or female, with a 6-digit serial:
    /// 2 × 67 × 10⁶ citizen IDs, handed out by a bijection of the index so that no two
    /// households of a run share one.
    private static let citizenIdSpace = 2 * 67 * 1_000_000
    /// Coprime to the ID space (2⁷ · 5⁶ · 67), so multiplying by it permutes the space.
    private static let citizenIdStride = 1_000_003

    private static let memberCounts: [(Int, Int)] = [(1, 8), (2, 15), (3, 22), (4, 27), (5, 15), (6, 8), (7, 3), (8, 2)]
    private static let phonePrefixes = [
        "090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
        "070", "077", "079", "081", "083", "085", "086", "088",
    ]
    private static let associations = ["farmers", "women", "veterans", "youth"]

    func household(index: Int) -> SampleHousehold {
        var random = SplitMix64(seed: seed, stream: 1, index: index)
        let commune = random.weighted(TanhLinhCommune.weighted)
        let urban = commune.isTown && random.chance(88)
        let plan = HouseholdPlan(using: &random)
        let members = random.weighted(Self.memberCounts)
        let code = commune.code + "-" + Digits.padded(index + 1, width: 7)
        let (citizenId, female) = citizenId(index: index, using: &random)
        let minority = random.chance(commune.minorityPercent)

        var record = SampleRecord<HouseholdField>()
        record[.householdCode] = .text(code)
        record[.headName] = .text(
            minority
                ? VietnameseNames.kHo(female: female, using: &random)
                : VietnameseNames.kinh(female: female, using: &random))
        record[.citizenId] = .text(citizenId)
        if random.chance(85) { record[.province] = .text(random.chance(70) ? "Lâm Đồng" : "Bình Thuận") }
        record[.commune] = .text(commune.writtenName(using: &random))
        let village = random.int(in: 1...commune.villages)
        record[.village] = .text((urban ? "Khu phố " : "Thôn ") + String(village))
        record[.area] = .text(urban ? "urban" : "rural")
        record[.members] = .integer(members)
        writeIncome(into: &record, plan: plan, urban: urban, members: members, using: &random)
        Deprivations(for: plan.computed, using: &random).write(into: &record, members: members, using: &random)
        if minority { record[.ethnicMinority] = .boolean(true) } else if random.chance(50) { record[.ethnicMinority] = .boolean(false) }
        if random.chance(commune.difficultPercent) { record[.especiallyDifficultArea] = .boolean(true) }
        if let status = plan.listStatus { record[.listStatus] = .text(status) }
        if let since = plan.listStatusSince { record[.listStatusSince] = .date(since) }

        let borrows = random.chance(plan.isPoorOrNearPoor || plan.listStatus == "newly_escaped" ? 88 : 58)
        if borrows || random.chance(30) {
            let group = random.int(in: 1...3)
            record[.savingsGroup] = .text(commune.code + "-TK" + String(village) + String(group))
            record[.association] = .text(Self.associations[(village + group) % 4])
        }
        if random.chance(80) {
            record[.phone] = .text(random.chance(5) ? phone(&random) + ", " + phone(&random) : phone(&random))
        }
        return SampleHousehold(record: record, plan: plan, householdCode: code, borrows: borrows)
    }

    /// Income per person per month inside the band of the planned class under the
    /// 2022-2025 lines (rural 1,500,000, urban 2,000,000; average up to 1.5 × the line),
    /// written as a monthly figure, an annual household figure, or both as lists do.
    private func writeIncome(
        into record: inout SampleRecord<HouseholdField>, plan: HouseholdPlan, urban: Bool, members: Int,
        using random: inout SplitMix64
    ) {
        let line = urban ? 2_000 : 1_500  // thousands of đồng
        let thousands: Int =
            switch plan.computed {
            case .poor, .nearPoor: random.int(in: (line * 55 / 100)...line)
            case .average: random.int(in: (line + 1)...(line * 3 / 2))
            case .above: random.int(in: (line * 3 / 2 + 1)...(line * 4))
            }
        let monthly = thousands * 1_000
        switch random.int(in: 0...19) {
        case 0..<14: record[.monthlyIncomePerCapita] = .integer(monthly)
        case 14..<19: record[.annualHouseholdIncome] = .integer(monthly * 12 * members)
        default:
            record[.monthlyIncomePerCapita] = .integer(monthly)
            record[.annualHouseholdIncome] = .integer(monthly * 12 * members + random.int(in: 0...50) * 100_000)
        }
    }

    /// A CCCD number: province of registration (060 Bình Thuận, 068 Lâm Đồng), the
    /// century-and-sex digit, the year of birth and a serial.
    private func citizenId(index: Int, using random: inout SplitMix64) -> (String, female: Bool) {
        let slot = (index % Self.citizenIdSpace * Self.citizenIdStride + Int(seed % UInt64(Self.citizenIdSpace)))
            % Self.citizenIdSpace
        let female = slot % 2 == 1
        let year = 1940 + slot / 2 % 67
        let serial = slot / 134
        let centuryAndSex = (year >= 2000 ? 2 : 0) + (female ? 1 : 0)
        let province = random.chance(80) ? "060" : "068"
        return (
            province + String(centuryAndSex) + Digits.padded(year % 100, width: 2) + Digits.padded(serial, width: 6),
            female
        )
    }

    private func phone(_ random: inout SplitMix64) -> String {
        random.element(of: Self.phonePrefixes) + Digits.padded(random.int(in: 0...9_999_999), width: 7)
    }
}
