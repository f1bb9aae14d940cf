/// One household or loan record, with a value or nothing for each field.
///
/// Values sit at the column's position so that writing a million records looks nothing
/// up by name.
struct SampleRecord<Column: RecordColumn> {
    private(set) var values: [SampleValue?] = Array(repeating: nil, count: Column.allCases.count)
    /// Breakage that only the CSV rendering of this record shows.
    var csvDamage: CSVDamage?

    subscript(column: Column) -> SampleValue? {
        get { values[column.rawValue] }
        set { values[column.rawValue] = newValue }
    }
}

/// Faults a CSV file can have that JSON Lines cannot: what a spreadsheet export gets
/// wrong, as opposed to a wrong value, which both formats carry.
enum CSVDamage {
    /// The row has one cell more than the header.
    case extraCell
    /// A boolean cell spelled in a way SCHEMA.md does not accept.
    case booleanSpelling(column: Int, spelling: String)
}
