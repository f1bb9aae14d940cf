/// The household record's fields (SCHEMA.md "Household record").
enum HouseholdColumn: Int, RecordColumn {
    case householdCode, headName, citizenId, province, commune, village, area, members
    case monthlyIncomePerCapita, annualHouseholdIncome
    case unemployedMembers, noContractWageMembers, dependants, malnourishedChildren
    case uninsuredMembersAged6Plus, undereducatedAdults16to30, childrenOutOfSchool3to15
    case nonDurableHousingParts, housingAreaM2
    case safeWater, hygienicLatrine, telecomUse, informationDevices, ethnicMinority, especiallyDifficultArea
    case listStatus, listStatusSince, savingsGroup, association, phone

    var inCSV: Bool { true }
}
