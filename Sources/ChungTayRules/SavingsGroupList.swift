public import ChungTayCoding

/// The consolidated list a group leader carries to the monthly fixed-day session at the
/// commune transaction point (RULES.md section 3): per savings group and transaction
/// day, the borrowers due or overdue, and the supplement candidates.
public struct SavingsGroupList: Sendable, Equatable {
    public struct Borrower: Sendable, Equatable {
        public let loanId: String?
        public let householdCode: String?
        public let headName: String?
        public let village: String?
        public let status: String
        public let nextDueOn: String?
        public let nextDueAmount: Int?
        public let daysOverdue: Int?
        public let overduePrincipal: Int?
        /// Its loan's position in the `loans` given to `savingsGroupLists`, so a caller
        /// can show what the list leaves out (interest, surcharge) without matching fields.
        public let loan: Int
    }

    public struct Candidate: Sendable, Equatable {
        public let householdCode: String?
        public let headName: String?
        public let village: String?
        public let current: String
        public let priorityScore: Int
    }

    public let asOf: CivilDate
    /// Nil for loans and households whose review names no group.
    public let savingsGroup: String?
    public let association: String?
    /// Due soon or overdue, by village then name.
    public let borrowers: [Borrower]
    /// By priority score (highest first), then village, then name.
    public let candidates: [Candidate]

    /// The list as one line of JSON.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("asOf")
        writer.string(asOf.description)
        writer.key("savingsGroup")
        writer.string(savingsGroup)
        writer.key("association")
        writer.string(association)
        writer.key("borrowers")
        writer.openArray()
        for borrower in borrowers {
            writer.openObject()
            writer.key("loanId")
            writer.string(borrower.loanId)
            writer.key("householdCode")
            writer.string(borrower.householdCode)
            writer.key("headName")
            writer.string(borrower.headName)
            writer.key("village")
            writer.string(borrower.village)
            writer.key("status")
            writer.string(borrower.status)
            writer.key("nextDueOn")
            writer.string(borrower.nextDueOn)
            writer.key("nextDueAmount")
            writer.integer(borrower.nextDueAmount)
            writer.key("daysOverdue")
            writer.integer(borrower.daysOverdue)
            writer.key("overduePrincipal")
            writer.integer(borrower.overduePrincipal)
            writer.closeObject()
        }
        writer.closeArray()
        writer.key("candidates")
        writer.openArray()
        for candidate in candidates {
            writer.openObject()
            writer.key("householdCode")
            writer.string(candidate.householdCode)
            writer.key("headName")
            writer.string(candidate.headName)
            writer.key("village")
            writer.string(candidate.village)
            writer.key("current")
            writer.string(candidate.current)
            writer.key("priorityScore")
            writer.integer(candidate.priorityScore)
            writer.closeObject()
        }
        writer.closeArray()
        writer.closeObject()
        return writer.finish()
    }
}

/// One list per savings group for a batch's reviews and loan statuses, groups in
/// order of their id (loans and households without a group last). A loan belongs to
/// the group of its household's review. Names and villages sort without regard to
/// case and diacritics first ("Đinh" beside "Dinh"), then exactly, so the order is the
/// same on every machine.
public func savingsGroupLists(reviews: [ReviewNotice], loans: [LoanNotice], asOf: CivilDate, rules: RuleBook) -> [SavingsGroupList] {
    var reviewByHousehold: [String: ReviewNotice] = [:]
    for review in reviews {
        if let code = review.householdCode { reviewByHousehold[code] = review }
    }
    // Keyed by savings group id, nil for "no group".
    var borrowers: [String?: [SavingsGroupList.Borrower]] = [:]
    var candidates: [String?: [SavingsGroupList.Candidate]] = [:]
    var associations: [String?: String] = [:]

    for (position, loan) in loans.enumerated() {
        guard let status = loan.status, status == LoanStatus.dueSoon.rawValue || status == LoanStatus.overdue.rawValue else {
            continue
        }
        let review = loan.householdCode.flatMap { reviewByHousehold[$0] }
        let key = review?.savingsGroup
        if let association = review?.association { associations[key] = association }
        borrowers[key, default: []].append(
            SavingsGroupList.Borrower(
                loanId: loan.loanId, householdCode: loan.householdCode, headName: review?.headName, village: review?.village,
                status: status, nextDueOn: loan.nextDueOn, nextDueAmount: loan.nextDueAmount,
                daysOverdue: loan.daysOverdue, overduePrincipal: loan.overduePrincipal, loan: position
            )
        )
    }
    let activeHouseholds = Set(loans.filter(\.isActive).compactMap(\.householdCode))
    for review in reviews {
        guard let current = review.current, let status = CurrentStatus(rawValue: current),
            rules.notificationRules.supplementForCurrent.contains(status),
            !activeHouseholds.contains(review.householdCode ?? "")
        else { continue }
        let key = review.savingsGroup
        if let association = review.association { associations[key] = association }
        candidates[key, default: []].append(
            SavingsGroupList.Candidate(
                householdCode: review.householdCode, headName: review.headName, village: review.village,
                current: current, priorityScore: review.priorityScore ?? 0
            )
        )
    }

    let keys = Set(borrowers.keys).union(candidates.keys).sorted { lhs, rhs in
        switch (lhs, rhs) {
        case (let left?, let right?): return left < right
        case (_?, nil): return true
        default: return false
        }
    }
    return keys.map { key in
        SavingsGroupList(
            asOf: asOf, savingsGroup: key, association: associations[key],
            borrowers: (borrowers[key] ?? []).sorted {
                ListOrder.precedes(($0.village, $0.headName), ($1.village, $1.headName))
            },
            candidates: (candidates[key] ?? []).sorted {
                if $0.priorityScore != $1.priorityScore { return $0.priorityScore > $1.priorityScore }
                return ListOrder.precedes(($0.village, $0.headName), ($1.village, $1.headName))
            }
        )
    }
}

/// Reading order of village and name on a printed list.
private enum ListOrder {
    static func precedes(_ lhs: (village: String?, name: String?), _ rhs: (village: String?, name: String?)) -> Bool {
        for (left, right) in [(lhs.village, rhs.village), (lhs.name, rhs.name)] {
            let leftKey = sortKey(left)
            let rightKey = sortKey(right)
            if leftKey != rightKey { return leftKey.lexicographicallyPrecedes(rightKey) }
        }
        for (left, right) in [(lhs.village, rhs.village), (lhs.name, rhs.name)] where left != right {
            return Array((left ?? "").utf8).lexicographicallyPrecedes(Array((right ?? "").utf8))
        }
        return false
    }

    /// Unaccented and lower-cased, compared as bytes so no locale is involved.
    private static func sortKey(_ text: String?) -> [UInt8] {
        Array(UnicodeText.unaccented(text ?? "").lowercased().utf8)
    }
}
