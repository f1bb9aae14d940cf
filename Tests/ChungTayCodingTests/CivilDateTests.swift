import ChungTayCoding
import Testing

@Suite("CivilDate: strict parsing and calendar arithmetic without time zones")
struct CivilDateTests {
    static func date(_ text: String) -> CivilDate {
        CivilDate(iso: text)!
    }

    @Test(arguments: ["2026-01-01", "2024-02-29", "2030-12-31", "0001-01-01", "9999-12-31"])
    func parsesValidDates(_ text: String) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(date.description == text)
    }

    @Test(arguments: [
        "2026-02-29", "2025-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-01", "26-01-01",
        " 2026-01-01", "2026-01-01 ", "2026-01-01T00:00", "2026/01/01", "", "0000-01-01", "２０２６-01-01",
    ])
    func rejectsMalformedOrImpossibleDates(_ text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test func addsDaysAcrossMonthsAndYears() {
        let date = Self.date("2025-12-30")
        #expect(date.adding(days: 3).description == "2026-01-02")
        #expect(date.adding(days: -365).description == "2024-12-30")
        #expect(Self.date("2024-02-28").adding(days: 1).description == "2024-02-29")
        #expect(CivilDate.days(from: Self.date("2025-01-15"), to: Self.date("2025-07-15")) == 181)
    }

    @Test func monthAdditionClampsToTheLastDayOfTheMonth() {
        let endOfJanuary = Self.date("2025-01-31")
        #expect(endOfJanuary.adding(months: 1).description == "2025-02-28")
        #expect(endOfJanuary.adding(months: 2).description == "2025-03-31")
        #expect(endOfJanuary.adding(months: 3).description == "2025-04-30")
        #expect(Self.date("2024-01-31").adding(months: 1).description == "2024-02-29")
        #expect(endOfJanuary.adding(months: -2).description == "2024-11-30")
    }

    @Test func yearAdditionTurns29FebruaryInto28February() {
        #expect(Self.date("2024-02-29").adding(years: 3).description == "2027-02-28")
        #expect(Self.date("2024-02-29").adding(years: 4).description == "2028-02-29")
        #expect(Self.date("2023-03-01").adding(years: 3).description == "2026-03-01")
    }

    @Test func wholeMonthsIsTheLargestCountThatStaysOnOrBeforeTheEnd() {
        // RULES.md 2.2 example: 2025-01-20 + 23 months = 2026-12-20 ≤ 2027-01-15 < 2027-01-20.
        #expect(CivilDate.wholeMonths(from: Self.date("2025-01-20"), to: Self.date("2027-01-15")) == 23)
        #expect(CivilDate.wholeMonths(from: Self.date("2025-01-31"), to: Self.date("2025-02-28")) == 1)
        #expect(CivilDate.wholeMonths(from: Self.date("2025-01-15"), to: Self.date("2025-02-14")) == 0)
        #expect(CivilDate.wholeMonths(from: Self.date("2025-01-15"), to: Self.date("2025-01-15")) == 0)
    }

    @Test func formatsForDedupKeysAndVietnameseText() {
        let date = Self.date("2026-03-05")
        #expect(date.monthKey == "2026-03")
        #expect(date.vietnameseDescription == "05/03/2026")
    }
}
