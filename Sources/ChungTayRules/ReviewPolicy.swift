/// Project conventions of the household review that are not part of a poverty
/// standard (`review-policy.json`): how long the newly-escaped status lasts, the
/// priority score, and the valid province codes of a citizen ID.
final class ReviewPolicy: Sendable {
    static let fileName = "review-policy.json"

    let newlyEscapedPeriodYears: Int
    /// Base points per current status; statuses not listed score 0.
    let priorityBase: [(status: CurrentStatus, points: Int)]
    let ethnicMinorityPoints: Int
    let especiallyDifficultAreaPoints: Int
    let deprivationsCountedFrom: Int
    let pointsPerDeprivationBeyond: Int
    let provinceCodes: ClosedRange<Int>

    init(_ root: RuleFileNode) throws(RuleDataError) {
        newlyEscapedPeriodYears = try root.member("newlyEscapedPeriodYears").integer(in: 0...100)
        let priority = try root.member("priorityScore")
        var base: [(status: CurrentStatus, points: Int)] = []
        for (key, node) in try priority.member("base").members() {
            guard let status = CurrentStatus(rawValue: key) else {
                throw node.error("unknown status (expected one of \(CurrentStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            base.append((status, try node.integer()))
        }
        priorityBase = base
        ethnicMinorityPoints = try priority.member("ethnicMinority").integer()
        especiallyDifficultAreaPoints = try priority.member("especiallyDifficultArea").integer()
        deprivationsCountedFrom = try priority.member("deprivationsCountedFrom").integer()
        pointsPerDeprivationBeyond = try priority.member("perDeprivationBeyond").integer()
        let codes = try root.member("citizenIdProvinceCodes")
        let from = try codes.member("from").integer(in: 0...999)
        let toNode = try codes.member("to")
        let to = try toNode.integer(in: 0...999)
        guard from <= to else { throw toNode.error("is below from") }
        provinceCodes = from...to
    }

    /// RULES.md 1.5: only households currently on the list get a score; 0 for others.
    func priorityScore(current: CurrentStatus, deprivationCount: Int, ethnicMinority: Bool, especiallyDifficultArea: Bool) -> Int {
        guard let base = priorityBase.first(where: { $0.status == current })?.points else { return 0 }
        return base
            + (ethnicMinority ? ethnicMinorityPoints : 0)
            + (especiallyDifficultArea ? especiallyDifficultAreaPoints : 0)
            + max(0, deprivationCount - deprivationsCountedFrom) * pointsPerDeprivationBeyond
    }
}
