import ChungTayRules
/// Breaks the requested share of household records, one record-check kind of RULES.md
/// 1.7 after another, plus the CSV-only faults, so that even a small broken share shows
/// every kind a reviewer must be able to report.
///
/// The kinds take turns rather than being drawn, which guarantees each appears once
/// there are as many broken records as kinds.
struct HouseholdBreakage {
    enum Kind: CaseIterable {
        case fieldMissing, fieldInvalid, citizenIdFormat, citizenIdProvince, membersInvalid, incomeMissing
        case countsExceedMembers, areaInvalid, housingAreaInvalid, dateInvalid, duplicateCitizenId
        case duplicateHouseholdCode, csvColumnCount, csvBooleanSpelling
    }

    let rate: Double
    let seed: UInt64
    private var turn = 0
    private var previous: (code: String, citizenId: SampleValue?)?

    init(rate: Double, seed: UInt64) {
        self.rate = rate
        self.seed = seed
    }

    /// Breaks `household` with the bad rate's probability.
    mutating func apply(to household: inout SampleHousehold, index: Int) {
        defer { previous = (household.householdCode, household.record[.citizenId]) }
        var random = SplitMix64(seed: seed, stream: 3, index: index)
        guard rate > 0, random.chance(fraction: rate) else { return }
        var kind = Kind.allCases[turn % Kind.allCases.count]
        turn += 1
        if previous == nil, kind == .duplicateCitizenId || kind == .duplicateHouseholdCode { kind = .fieldMissing }
        apply(kind, to: &household.record, using: &random)
    }

    private func apply(_ kind: Kind, to record: inout SampleRecord<HouseholdField>, using random: inout SplitMix64) {
        let members: Int
        if case .integer(let count) = record[.members] { members = count } else { members = 1 }
        switch kind {
        case .fieldMissing:
            switch random.int(in: 0...2) {
            case 0: record[.headName] = nil
            case 1: record[.commune] = .text("  ")
            default:
                record[.listStatus] = .text("newly_escaped")
                record[.listStatusSince] = nil
            }
        case .fieldInvalid:
            switch random.int(in: 0...3) {
            case 0: record[.nonDurableHousingParts] = .integer(4)
            case 1: record[.listStatus] = .text("cận nghèo")
            case 2: record[.association] = .text("Hội Nông dân")
            default: record[.unemployedMembers] = .integer(-1)
            }
        case .citizenIdFormat:
            if case .text(let id) = record[.citizenId] {
                record[.citizenId] = .text(random.chance(50) ? String(id.dropLast()) : String(id.prefix(9)) + "-" + String(id.suffix(3)))
            }
        case .citizenIdProvince:
            if case .text(let id) = record[.citizenId] { record[.citizenId] = .text("099" + id.dropFirst(3)) }
        case .membersInvalid:
            record[.members] = random.element(of: [.integer(0), .text("bốn"), .decimal("2.5")])
        case .incomeMissing:
            record[.monthlyIncomePerCapita] = random.chance(50) ? .integer(-1_200_000) : nil
            record[.annualHouseholdIncome] = nil
        case .countsExceedMembers:
            record[.dependants] = .integer(members + 1)
        case .areaInvalid:
            record[.area] = random.chance(50) ? .text("nông thôn") : nil
        case .housingAreaInvalid:
            record[.housingAreaM2] = random.chance(50) ? .integer(-30) : nil
        case .dateInvalid:
            record[.listStatus] = .text("poor")
            record[.listStatusSince] = .text(random.chance(50) ? "2025-02-30" : "15/12/2024")
        case .duplicateCitizenId:
            record[.citizenId] = previous?.citizenId
        case .duplicateHouseholdCode:
            if let code = previous?.code { record[.householdCode] = .text(code) }
        case .csvColumnCount:
            record.csvDamage = .extraCell
        case .csvBooleanSpelling:
            let column = random.element(of: [HouseholdField.safeWater, .hygienicLatrine, .telecomUse, .ethnicMinority])
            record.csvDamage = .booleanSpelling(column: column.rawValue, spelling: random.element(of: ["yes", "đúng", "x"]))
        }
    }
}
