/// Numeric household facts an indicator rule in a standard file may name.
enum NumericFact: Int, Sendable, CaseIterable {
    case members, unemployedMembers, noContractWageMembers, dependants, malnourishedChildren
    case uninsuredMembersAged6Plus, undereducatedAdults16to30, childrenOutOfSchool3to15
    case nonDurableHousingParts, housingAreaM2, incomePerCapita

    var name: String { "\(self)" }
}
