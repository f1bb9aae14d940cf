/// Yes/no household facts an indicator rule in a standard file may name.
enum BooleanFact: Int, Sendable, CaseIterable {
    case safeWater, hygienicLatrine, telecomUse, informationDevices, ethnicMinority, especiallyDifficultArea
}
