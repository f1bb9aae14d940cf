/// The notification types of RULES.md section 3, in the order a request emits them.
public enum NotificationType: String, Sendable, CaseIterable {
    case dueReminder = "due_reminder"
    case overdueNotice = "overdue_notice"
    case listChange = "list_change"
    case supplementCandidate = "supplement_candidate"
    case dataCorrection = "data_correction"
}
