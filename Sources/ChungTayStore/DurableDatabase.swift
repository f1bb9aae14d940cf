#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLiteConfig
import GRDB

/// How the store opens its SQLite files, in one place: the journal and the delivery ledger
/// are written in WAL mode with `synchronous = FULL` (a returned write is on disk), and
/// read beside a running writer in SQLite's read-only mode, which takes no write lock.
///
/// Statement journals stay in memory. A statement that writes many rows and may abort, as
/// the grouped inserts of `RowGroups` do, keeps one (the pages it changes, as
/// they were, to undo it alone), and past 64 KiB SQLite spilled it to a temporary file: in
/// the 1,000,000-household batch about 7,000 page writes a second on the dispatcher's
/// thread, a third of its system time. One lives only while its statement runs, and holds
/// at most the pages a group of rows touches. Only statement journals: `temp_store =
/// MEMORY` would do it too, but it also keeps SQLite's sorter from spilling, and the
/// dispatcher's start-up counts sort every row of the job table.
enum DurableDatabase {
    /// Set once, before SQLite initialises: this type opens the process's first database
    /// (every open goes through `queue`). Where something else initialised SQLite first (a test
    /// process), the setting is refused and journals spill as before: slower, not wrong.
    private static let statementJournalsInMemory: Void = {
        _ = chungtay_sqlite_statement_journals_in_memory()
    }()

    /// Opens (and migrates) a database to write. A new file is made 0600 first, whatever the
    /// process's umask (`notifications print` may be the first to open the delivery ledger,
    /// which holds phones): SQLite gives its `-wal` and `-shm` files the database's mode.
    static func writable(path: String, label: String, busyTimeout: Double? = nil, migrator: DatabaseMigrator) throws -> DatabaseQueue {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", path) }
        close(descriptor)
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.label = label
        if let busyTimeout { configuration.busyMode = .timeout(busyTimeout) }
        let database = try queue(path: path, configuration: configuration)
        // After the queue is made, not in `prepareDatabase`: GRDB's WAL set-up runs after that
        // and sets `synchronous = NORMAL`, under which a commit does not fsync the WAL (only
        // checkpoints do), so an acknowledged job could be lost to a power cut. Read back, so
        // that no library change can turn it off unseen.
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let level = try synchronousLevel(of: database)
        guard let level, level >= fullSynchronous else {
            throw StoreError("\(path) does not take synchronous = FULL (PRAGMA synchronous is \(level.map(String.init) ?? "unset"))")
        }
        try checkSQLiteVersion(database)
        try migrator.migrate(database)
        return database
    }

    /// The oldest SQLite whose SQL the writers use: the journal's segment ends and batch
    /// counters and the delivery ledger's progress are written with upserts (`INSERT … ON
    /// CONFLICT … DO UPDATE`, 3.24). An older library would fail their writes, so opening
    /// one to write is refused instead.
    static let minimumSQLiteVersion = [3, 24, 0]

    static func checkSQLiteVersion(_ database: some DatabaseReader) throws(StoreError) {
        let text: String
        do {
            text = try database.read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") } ?? ""
        } catch {
            throw StoreError("cannot read the SQLite version: \(error)")
        }
        let version = text.split(separator: ".").map { Int($0) ?? 0 }
        guard version.lexicographicallyPrecedes(minimumSQLiteVersion) == false else {
            let minimum = minimumSQLiteVersion.map(String.init).joined(separator: ".")
            throw StoreError("SQLite \(text) is too old: it needs \(minimum) or later (INSERT … ON CONFLICT … DO UPDATE)")
        }
    }

    /// `PRAGMA synchronous`'s value for FULL: a commit returns once the WAL is fsynced (EXTRA,
    /// 3, syncs more still).
    static let fullSynchronous = 2

    /// The `PRAGMA synchronous` a database's connection runs with.
    static func synchronousLevel(of database: DatabaseQueue) throws -> Int? {
        try database.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    /// Opens a database to read only. A writer that is starting holds it briefly
    /// (recovering its WAL): the reader waits for it rather than fail at once.
    static func readOnly(path: String, label: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = label
        configuration.busyMode = .timeout(5)
        return try queue(path: path, configuration: configuration)
    }

    /// Every open of a database goes through here, after the process-wide setting above.
    private static func queue(path: String, configuration: Configuration = Configuration()) throws -> DatabaseQueue {
        _ = statementJournalsInMemory
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Copies a database that a writer may be using, with SQLite's online backup in one step:
    /// one read transaction, so the copy holds one commit's state however many commits the
    /// writer makes meanwhile, and the writer is never held up. The copy is made 0600 and
    /// fsynced before this returns.
    static func snapshot(path: String, into target: String) throws(StoreError) {
        let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", target) }
        close(descriptor)
        do {
            let source = try readOnly(path: path, label: "chungtay.backup.source")
            let copy = try queue(path: target)
            try source.backup(to: copy)
            try copy.close()
            try source.close()
        } catch {
            throw StoreError("cannot copy \(path) to \(target): \(error)")
        }
        let written = open(target, O_RDONLY | O_CLOEXEC)
        guard written >= 0 else { throw StoreError.errno("open", target) }
        defer { close(written) }
        guard fsync(written) == 0 else { throw StoreError.errno("fsync", target) }
        try quickCheck(path: target)
    }

    /// SQLite's `quick_check` of a copy no one else has open (a backup's or a restore's):
    /// a page damaged on the way is found now, not when the dispatcher reads it. The
    /// connection is the only one, so closing it removes the `-wal` and `-shm` it made.
    static func quickCheck(path: String) throws(StoreError) {
        let verdict: String?
        do {
            let database = try queue(path: path)
            verdict = try database.read { try String.fetchOne($0, sql: "PRAGMA quick_check") }
            try database.close()
        } catch {
            throw StoreError("cannot check \(path): \(error)")
        }
        guard verdict == "ok" else { throw StoreError("\(path) fails SQLite's quick_check: \(verdict ?? "no answer")") }
    }

    /// Removes the empty `-wal` and shared-memory files a read-only open of a copy left
    /// beside it (a WAL reader needs them), once no connection holds them: a backup or a
    /// restored directory then holds the files its manifest lists. A `-wal` with content is
    /// never touched.
    static func removeReaderFiles(of path: String) {
        var status = stat()
        guard stat(path + "-wal", &status) == 0, status.st_size == 0 else { return }
        unlink(path + "-wal")
        unlink(path + "-shm")
    }
}

