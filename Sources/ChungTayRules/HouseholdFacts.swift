import ChungTayCoding

/// The checked facts of a household that has no error flag: what the indicators,
/// the classification and the list-status rules read.
struct HouseholdFacts: Sendable {
    let area: Area
    let members: Int
    let incomePerCapita: Int
    let unemployedMembers: Int
    let noContractWageMembers: Int
    let dependants: Int
    let malnourishedChildren: Int
    let uninsuredMembersAged6Plus: Int
    let undereducatedAdults16to30: Int
    let childrenOutOfSchool3to15: Int
    let nonDurableHousingParts: Int
    let housingAreaM2: DecimalNumber
    let safeWater: Bool
    let hygienicLatrine: Bool
    let telecomUse: Bool
    let informationDevices: Bool
    let ethnicMinority: Bool
    let especiallyDifficultArea: Bool
    let listStatus: ListStatus
    let listStatusSince: CivilDate?

    func value(of fact: NumericFact) -> DecimalNumber {
        switch fact {
        case .members: DecimalNumber(members)
        case .unemployedMembers: DecimalNumber(unemployedMembers)
        case .noContractWageMembers: DecimalNumber(noContractWageMembers)
        case .dependants: DecimalNumber(dependants)
        case .malnourishedChildren: DecimalNumber(malnourishedChildren)
        case .uninsuredMembersAged6Plus: DecimalNumber(uninsuredMembersAged6Plus)
        case .undereducatedAdults16to30: DecimalNumber(undereducatedAdults16to30)
        case .childrenOutOfSchool3to15: DecimalNumber(childrenOutOfSchool3to15)
        case .nonDurableHousingParts: DecimalNumber(nonDurableHousingParts)
        case .housingAreaM2: housingAreaM2
        case .incomePerCapita: DecimalNumber(incomePerCapita)
        }
    }

    func value(of fact: BooleanFact) -> Bool {
        switch fact {
        case .safeWater: safeWater
        case .hygienicLatrine: hygienicLatrine
        case .telecomUse: telecomUse
        case .informationDevices: informationDevices
        case .ethnicMinority: ethnicMinority
        case .especiallyDifficultArea: especiallyDifficultArea
        }
    }
}
