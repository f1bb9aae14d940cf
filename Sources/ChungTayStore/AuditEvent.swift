/// What an audit line records (its `event` member). Lines name people only as the
/// transport or the OS knows them (a client's address and routing id, an OS user) and
/// data only by ids, batch ids and key hashes: never a name, citizen ID or phone.
public enum AuditEvent: String, Sendable, CaseIterable {
    /// Jobs a client submitted in one request: `client`, `kind`, `batch`, `jobs`.
    case jobsSubmitted = "jobs.submitted"
    /// Tasks one worker finished in one commit: `worker`, `kind`, `batch`, `tasks`.
    case tasksCompleted = "tasks.completed"
    /// Failed attempts to be retried: `worker`, `kind`, `batch`, `code`, `tasks`.
    case tasksFailed = "tasks.failed"
    /// Tasks that became dead letters: `worker`, `kind`, `batch`, `code`, `tasks`.
    case tasksDeadLettered = "tasks.deadLettered"
    /// Dead letters a client sent back to work: `client`, `jobs`.
    case deadLettersRetried = "deadLetters.retried"
    /// `batch`, `name`, `submittedBy` (the submitting OS user), `client`.
    case batchOpened = "batch.opened"
    /// `batch`, `client`.
    case batchSealed = "batch.sealed"
    /// `batch`, `jobs` (completed and dead).
    case batchCompleted = "batch.completed"
    /// A `results show` look-up: `user` (the OS user the client names), `client`, `keyHash`
    /// (FNV-1a of the household code, as the keys sidecars store it), `batch` when named.
    case resultsLookedUp = "results.lookedUp"
    /// A `batch export`: `user` (OS user and host), `batch`.
    case batchExported = "batch.exported"
    /// A `data backup` of the whole directory, recorded in it before anything is copied:
    /// `user`, `output` (the backup's directory).
    case dataBackedUp = "data.backedUp"
    /// A `data restore`, recorded in the restored directory: `user`, `takenAt` (the backup's
    /// time: the trail's lines after it in the lost directory are not in this one), `source`.
    case dataRestored = "data.restored"
}
