import ChungTayCoding
import Foundation
import ChungTayRules

/// What the savings-group lists need of a batch, kept compactly while its reviews and
/// loans are read once: a record per review, the household-code index, which households
/// have an active loan, and the due and overdue loans. Both the export (CSV and JSON
/// lists) and the printed lists (`NotificationPrint`) feed it and take the lists from
/// `forEachList`, so the two cannot disagree about who is on a list or in what order.
final class GroupListSource {
    /// What is kept of a review: enough to file its loans and make the group lists.
    /// Repeated texts (commune, village, group, association, status) are interned.
    struct Household {
        var code: String?
        var headName: String?
        var commune: UInt32
        var village: UInt32
        var group: UInt32
        var association: UInt32
        var current: UInt32
        /// `Int.min` when the review has none.
        var priorityScore: Int
    }

    /// A loan that is due soon or overdue, for the group lists.
    struct DueLoan {
        /// Index of its household's review, -1 when not in the batch.
        var household: Int
        var notice: LoanNotice
        var interestDue: Int?
        var overdueSurcharge: Int?
    }

    private(set) var strings = StringTable()
    private var collation = SortKey()
    private(set) var households: [Household] = []
    /// Household code → index of its review; the last review wins, as in `savingsGroupLists`.
    private var codeIndex: [String: Int32] = [:]
    /// Indexed like `households`: whether the household code has an active loan.
    private var active: [Bool] = []
    private var dueLoans: [DueLoan] = []
    /// The as-of date of the first document that gives one.
    private(set) var asOf: CivilDate?

    /// Keeps the first as-of date met (every document of a batch carries the batch's).
    func noteAsOf(_ document: JSONObject) {
        guard asOf == nil, case .string(let text)? = document["asOf"] else { return }
        asOf = CivilDate(iso: text)
    }

    /// Records a review; returns its index in `households`.
    @discardableResult
    func addReview(_ notice: ReviewNotice) -> Int {
        let index = households.count
        households.append(
            Household(
                code: notice.householdCode, headName: notice.headName, commune: strings.id(notice.commune),
                village: strings.id(notice.village), group: strings.id(notice.savingsGroup),
                association: strings.id(notice.association), current: strings.id(notice.current),
                priorityScore: notice.priorityScore ?? Int.min
            )
        )
        active.append(false)
        if let code = notice.householdCode { codeIndex[code] = Int32(index) }
        return index
    }

    /// The index of the review of a household code (the last one), if the batch has it.
    func household(code: String?) -> Int? {
        code.flatMap { codeIndex[$0] }.map(Int.init)
    }

    func village(of household: Int) -> String? {
        strings.string(households[household].village)
    }

    /// Records a loan status (after the reviews): whether its household has an active
    /// loan, and the loan itself when it is due soon or overdue.
    func addLoan(_ notice: LoanNotice, document: JSONObject) {
        let household = household(code: notice.householdCode)
        // RULES.md section 3: an active loan is one whose status is not null,
        // settled or written off.
        if let household, let status = notice.status,
            status != LoanStatus.settled.rawValue, status != LoanStatus.writtenOff.rawValue
        {
            active[household] = true
        }
        if notice.status == LoanStatus.dueSoon.rawValue || notice.status == LoanStatus.overdue.rawValue {
            dueLoans.append(
                DueLoan(
                    household: household ?? -1, notice: notice,
                    interestDue: Cells.integer(document["interestDue"]),
                    overdueSurcharge: Cells.integer(document["overdueSurcharge"])
                )
            )
        }
    }

    /// The lists of `savingsGroupLists`, one group at a time: its reviews that can be on
    /// the list (a supplement candidate has a status and no active loan; a borrower's
    /// household is looked up) and the group's due and overdue loans. Handing the rules
    /// one group at a time gives the lists a single call would (a loan belongs to its
    /// household's group; the households left out could be neither borrowers' nor
    /// candidates), with only one group's notices in memory. `body` gets each list with
    /// its loans in the order the list's `Borrower.loan` positions refer to, and the
    /// commune of the group's first household in store order (a savings group meets at
    /// one commune's transaction point).
    func forEachList(
        asOf: CivilDate, rules: RuleBook, _ body: (SavingsGroupList, [DueLoan], _ commune: String?) throws -> Void
    ) rethrows {
        var members: [UInt32: [Int]] = [:]
        var dueByGroup: [UInt32: [Int]] = [:]
        var borrowerHouseholds = Set<Int>()
        for (index, loan) in dueLoans.enumerated() {
            let group = loan.household >= 0 ? households[loan.household].group : 0
            dueByGroup[group, default: []].append(index)
            if loan.household >= 0 { borrowerHouseholds.insert(loan.household) }
        }
        for (index, household) in households.enumerated() {
            let activeByCode = household.code.flatMap { codeIndex[$0] }.map { active[Int($0)] } ?? false
            guard borrowerHouseholds.contains(index) || (household.current != 0 && !activeByCode) else { continue }
            members[household.group, default: []].append(index)
        }
        let groups = Set(members.keys).union(dueByGroup.keys).sorted { lhs, rhs in
            switch (strings.string(lhs), strings.string(rhs)) {
            case (let left?, let right?): return left < right
            case (_?, nil): return true
            default: return false
            }
        }
        for group in groups {
            let (reviews, loanOrder) = orderedForList(households: members[group] ?? [], dueLoans: dueByGroup[group] ?? [])
            let loans = loanOrder.map { dueLoans[$0] }
            let first = [members[group]?.first, loans.first { $0.household >= 0 }?.household].compactMap { $0 }.min()
            let commune = first.flatMap { strings.string(households[$0].commune) }
            for list in savingsGroupLists(reviews: reviews, loans: loans.map(\.notice), asOf: asOf, rules: rules) {
                try body(list, loans, commune)
            }
        }
    }

    /// A group's notices in the order `savingsGroupLists` will sort them into: loans by
    /// their household's village and name, reviews by priority score (highest first),
    /// village and name, ties in store order. The rules sort with a stable sort that
    /// finds presorted runs, so the lists come out as from the notices in store order,
    /// while the rules' comparison (which unaccents both texts at every step) runs
    /// about once per notice instead of n log n times. The one thing the order can
    /// change is which `association` a list reports when a group's households name
    /// different ones (the rules keep the last one seen).
    /// The loans come back as their indexes in `dueLoans`.
    private func orderedForList(households indexes: [Int], dueLoans loanIndexes: [Int]) -> (reviews: [ReviewNotice], loans: [Int]) {
        func listKey(_ household: Int) -> [UInt8] {
            guard household >= 0 else { return collation.make(village: nil, name: nil, then: []) }
            let entry = households[household]
            return collation.make(village: strings.string(entry.village), name: entry.headName, then: [])
        }
        let loans = loanIndexes.map { (key: listKey(dueLoans[$0].household), index: $0) }
            .sorted { $0.key != $1.key ? $0.key.lexicographicallyPrecedes($1.key) : $0.index < $1.index }
            .map(\.index)
        let reviews = indexes.map { index -> (score: Int, key: [UInt8], index: Int) in
            let score = households[index].priorityScore
            return (score == Int.min ? 0 : score, listKey(index), index)
        }.sorted { lhs, rhs in
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            if lhs.key != rhs.key { return lhs.key.lexicographicallyPrecedes(rhs.key) }
            return lhs.index < rhs.index
        }.map { reviewNotice($0.index) }
        return (reviews, loans)
    }

    private func reviewNotice(_ index: Int) -> ReviewNotice {
        let household = households[index]
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        var members = [
            JSONObject.Member(key: "householdCode", value: text(household.code)),
            JSONObject.Member(key: "headName", value: text(household.headName)),
            JSONObject.Member(key: "village", value: text(strings.string(household.village))),
            JSONObject.Member(key: "savingsGroup", value: text(strings.string(household.group))),
            JSONObject.Member(key: "association", value: text(strings.string(household.association))),
            JSONObject.Member(key: "current", value: text(strings.string(household.current))),
        ]
        if household.priorityScore != Int.min {
            members.append(JSONObject.Member(key: "priorityScore", value: .number(DecimalNumber(household.priorityScore))))
        }
        return ReviewNotice(document: JSONObject(members))
    }

    /// The as-of date when no document of the batch gives one (lists need a date).
    static func today() -> CivilDate {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
