/// A calendar date with no time and no time zone.
///
/// Review and loan rules speak of days, months and years on the proleptic Gregorian
/// calendar; going through `Date` and the machine's time zone could shift a day, so
/// arithmetic is done on the civil date itself (day numbers after H. Hinnant's
/// `days_from_civil`).
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil for an impossible date (30 February, month 13) or a year outside 1...9999.
    @inlinable
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= Self.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    @usableFromInline
    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses strictly `YYYY-MM-DD`: ten ASCII characters, no time, no surrounding space.
    public init?(iso text: String) {
        var text = text
        let parts = text.withUTF8 { bytes -> (Int, Int, Int)? in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let byte = bytes[index]
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return (year, month, day)
        }
        guard let parts else { return nil }
        self.init(year: parts.0, month: parts.1, day: parts.2)
    }

    @inlinable
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01.
    @inlinable
    public var dayNumber: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    @inlinable
    public init(dayNumber: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @inlinable
    public func adding(days: Int) -> CivilDate {
        CivilDate(dayNumber: dayNumber + days)
    }

    /// Same day of month `months` later, clamped to the last day of a shorter month
    /// (31 January + 1 month = 28 or 29 February).
    @inlinable
    public func adding(months: Int) -> CivilDate {
        let monthIndex = year * 12 + (month - 1) + months
        let newYear = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
        let newMonth = monthIndex - newYear * 12 + 1
        return CivilDate(unchecked: newYear, newMonth, min(day, Self.daysInMonth(year: newYear, month: newMonth)))
    }

    /// Calendar years later; 29 February becomes 28 February in a common year.
    @inlinable
    public func adding(years: Int) -> CivilDate {
        adding(months: years * 12)
    }

    /// `to − from` in days (negative when `to` is earlier).
    @inlinable
    public static func days(from: CivilDate, to: CivilDate) -> Int {
        to.dayNumber - from.dayNumber
    }

    /// The largest m with `from + m months ≤ to` (0 when `to` is not after `from`).
    public static func wholeMonths(from: CivilDate, to: CivilDate) -> Int {
        guard from < to else { return 0 }
        var months = (to.year - from.year) * 12 + (to.month - from.month)
        while months > 0 && from.adding(months: months) > to { months -= 1 }
        return months
    }

    @inlinable
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        Self.format(year, UInt8(ascii: "-"), month, UInt8(ascii: "-"), day, yearFirst: true)
    }

    /// `YYYY-MM`, the month part of notification dedup keys.
    public var monthKey: String {
        String(description.prefix(7))
    }

    /// `DD/MM/YYYY`, the way dates are written in Vietnamese letters and SMS.
    public var vietnameseDescription: String {
        Self.format(day, UInt8(ascii: "/"), month, UInt8(ascii: "/"), year, yearFirst: false)
    }

    /// Dates are written in every result document, so they are formatted straight into
    /// ten bytes rather than through string interpolation.
    private static func format(_ first: Int, _ separator1: UInt8, _ second: Int, _ separator2: UInt8, _ third: Int, yearFirst: Bool) -> String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            var position = 0
            func put(_ value: Int, width: Int) {
                var divisor = width == 4 ? 1000 : 10
                var remaining = value
                while divisor > 0 {
                    buffer[position] = UInt8(ascii: "0") + UInt8(remaining / divisor % 10)
                    remaining %= divisor
                    divisor /= 10
                    position += 1
                }
            }
            put(first, width: yearFirst ? 4 : 2)
            buffer[position] = separator1
            position += 1
            put(second, width: 2)
            buffer[position] = separator2
            position += 1
            put(third, width: yearFirst ? 2 : 4)
            return position
        }
    }
}
