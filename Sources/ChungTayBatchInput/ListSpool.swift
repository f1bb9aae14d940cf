import ChungTayCoding

/// The spool of an office list (docs/BATCH.md "Office lists"): JSON Lines whose line N is
/// the record that starts on line N of the text file or row N of the sheet, every other
/// line empty, so that items' `line` is the office file's. A record that could not be
/// read whole carries, as its last member, `errorKey` with `{"column", "field"?, "message"}`,
/// which `RecordReader` turns back into the item's `inputError`.
enum ListSpool {
    /// U+0000: no header cell can name it (a cell's text never holds NUL as a title), so it
    /// cannot clash with a column.
    static let errorKey = "\u{0}"

    /// The input error a spool's error member holds; a member that is not the object
    /// `ListPreparation` writes still marks the record unreadable.
    static func inputError(from value: JSONValue) -> InputError {
        guard case .object(let error) = value else { return InputError(column: 1, message: "unreadable record") }
        var column = 1
        if case .number(let number)? = error["column"], let given = number.integerValue, given >= 1 { column = given }
        var field: String?
        if case .string(let name)? = error["field"] { field = name }
        var message = "unreadable record"
        if case .string(let text)? = error["message"] { message = text }
        return InputError(column: column, field: field, message: message)
    }
}
