import ChungTayCoding

extension CivilDate {
    /// A date the generator builds from values it has already kept in range (days 1...28
    /// or the 30th of November): invalid input is a generator bug, not bad data.
    static func fixed(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
        guard let date = CivilDate(year: year, month: month, day: day) else {
            preconditionFailure("sample generator built an impossible date \(year)-\(month)-\(day)")
        }
        return date
    }

    /// The first day of the next month when the day is past the 28th, so that adding
    /// whole months to the result never clamps and instalments fall on one day of month.
    var withoutMonthEnd: CivilDate {
        day > 28 ? CivilDate.fixed(year, month, 1).adding(months: 1) : self
    }
}
