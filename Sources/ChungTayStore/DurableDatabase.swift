import GRDB

/// How the store opens its SQLite files, in one place: the journal and the delivery ledger
/// are written in WAL mode with `synchronous = FULL` (a returned write is on disk), and
/// read beside a running writer in SQLite's read-only mode, which takes no write lock.
enum DurableDatabase {
    /// Opens (and migrates) a database to write.
    static func open(path: String, label: String, busyTimeout: Double? = nil, migrator: DatabaseMigrator) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.label = label
        if let busyTimeout { configuration.busyMode = .timeout(busyTimeout) }
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try migrator.migrate(database)
        return database
    }

    /// Opens a database to read only. A writer that is starting holds it briefly
    /// (recovering its WAL): the reader waits for it rather than fail at once.
    static func openReadingOnly(path: String, label: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = label
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
