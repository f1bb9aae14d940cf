/// A loan's status as of a date (RULES.md 2.3); the first that applies wins, in this order.
public enum LoanStatus: String, Sendable, CaseIterable {
    case writtenOff = "written_off"
    case settled
    case frozen
    case overdue
    case dueSoon = "due_soon"
    case current
}
