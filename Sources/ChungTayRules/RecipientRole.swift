/// Who receives a notification (RULES.md section 3).
public enum RecipientRole: String, Sendable, CaseIterable {
    case borrower
    case groupLeader = "group_leader"
    case association
    case communePeoplesCommittee = "commune_peoples_committee"
    case communeReviewBoard = "commune_review_board"
    case communeOfficer = "commune_officer"
    case transactionOffice = "transaction_office"
}
