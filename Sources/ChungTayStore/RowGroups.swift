import GRDB

/// Rows written many per statement, their values bound straight to SQLite: the one home of
/// how the journal's commit writes many rows (`JobRowWrites`, `OutboxWrites`).
///
/// A statement per row (bind, step, reset through GRDB's arguments) was most of the
/// dispatcher's journal time: under durable echo a turn commits thousands of jobs, and in a
/// 1,000,000-household batch a turn stores the notifications of several chunks. Groups of
/// `steps` rows — the big groups first, then the rest — keep a few cached statements
/// whatever the count, where a statement sized to each count would be compiled anew.
enum RowGroups {
    /// Rows per statement for the big groups, then for the rest, then one.
    static let steps = [64, 8, 1]

    /// A statement's SQL for each of `steps`, built once by its user: `cachedStatement` looks
    /// statements up by their SQL.
    static func sqls(_ sql: (_ rows: Int) -> String) -> [String] {
        steps.map(sql)
    }

    /// `rows` groups of `columns` parameters, `(?, ?, …),(?, ?, …)`, for a statement's SQL.
    static func placeholders(rows: Int, columns: Int) -> String {
        Array(repeating: "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")", count: rows)
            .joined(separator: ",")
    }

    /// Executes the step statements of `sqls` over `values` (`columns` a row, in the
    /// statements' parameter order), the biggest that fits first.
    static func write(_ values: ArraySlice<DatabaseValue>, columns: Int, sqls: [String], in db: Database) throws {
        var start = values.startIndex
        for (step, sql) in zip(steps, sqls) where values.endIndex - start >= step * columns {
            let statement = try db.cachedStatement(sql: sql)
            while values.endIndex - start >= step * columns {
                let end = start + step * columns
                try bind(values[start..<end], to: statement)
                try statement.execute()
                start = end
            }
        }
    }

    /// Binds `values` (one per parameter) straight to the statement's SQLite parameters, as
    /// GRDB does with the values of its arguments; the statement then runs with no arguments
    /// given. Building `StatementArguments` from `DatabaseValue`s maps each through a key path
    /// in unspecialised generic code: 11% of the dispatcher under durable echo, more than
    /// SQLite's own work on the rows.
    static func bind(_ values: ArraySlice<DatabaseValue>, to statement: Statement) throws {
        // Resets the statement, clears its parameters and marks them as set.
        statement.setUncheckedArguments(StatementArguments())
        for (index, value) in zip(CInt(1)..., values) {
            let code = value.bind(to: statement.sqliteStatement, at: index)
            guard code == 0 else { throw StoreError("cannot bind a row's value: SQLite code \(code)") }
        }
    }
}
