import ChungTayCoding
/// One field value as it is written to both formats.
///
/// Numbers keep their literal text (`decimal`) so that a housing area such as 42.5 is
/// written the same in JSON and CSV, and broken records can put text where a number
/// belongs: the files must carry exactly what a real list might.
enum SampleValue {
    case text(String)
    case integer(Int)
    case decimal(String)
    case boolean(Bool)
    case adjustments([(dueOn: CivilDate, newDueOn: CivilDate)])

    static func date(_ date: CivilDate) -> SampleValue {
        .text(date.description)
    }
}
