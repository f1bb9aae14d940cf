import ChungTayCoding

/// The fields of a household record (SCHEMA.md), in SCHEMA.md order, which is also
/// the order flags of one code are reported in.
public enum HouseholdField: Int, Sendable, CaseIterable, RecordField {
    case householdCode, headName, citizenId, province, commune, village, area, members
    case monthlyIncomePerCapita, annualHouseholdIncome
    case unemployedMembers, noContractWageMembers, dependants, malnourishedChildren
    case uninsuredMembersAged6Plus, undereducatedAdults16to30, childrenOutOfSchool3to15
    case nonDurableHousingParts, housingAreaM2
    case safeWater, hygienicLatrine, telecomUse, informationDevices, ethnicMinority, especiallyDifficultArea
    case listStatus, listStatusSince, savingsGroup, association, phone

    /// The field's name in records and flags.
    public var name: String { Self.names[rawValue] }

    private static let names: [String] = allCases.map { "\($0)" }
    static let byKnownKey: [HouseholdField?] = KnownKeys.fieldTable(allCases, name: \.name)

    var kind: FieldValue.Kind {
        switch self {
        case .members, .monthlyIncomePerCapita, .annualHouseholdIncome, .unemployedMembers, .noContractWageMembers,
            .dependants, .malnourishedChildren, .uninsuredMembersAged6Plus, .undereducatedAdults16to30,
            .childrenOutOfSchool3to15, .nonDurableHousingParts, .housingAreaM2:
            .number
        case .safeWater, .hygienicLatrine, .telecomUse, .informationDevices, .ethnicMinority, .especiallyDifficultArea:
            .flag
        case .listStatusSince:
            .date
        case .householdCode, .headName, .citizenId, .province, .commune, .village, .area, .listStatus, .savingsGroup,
            .association, .phone:
            .text
        }
    }
}
