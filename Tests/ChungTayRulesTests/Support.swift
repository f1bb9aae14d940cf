import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// Shared fixtures: the shipped rule book, dates, and records that are valid unless a
/// test changes a field, so each test states only what it is about.
enum Fixture {
    static let rules: RuleBook = {
        do {
            return try RuleBook.bundled()
        } catch {
            fatalError("bundled rules failed to load: \(error)")
        }
    }()

    static func date(_ text: String) -> CivilDate {
        guard let date = CivilDate(iso: text) else { fatalError("bad test date \(text)") }
        return date
    }

    /// A rural household of 4 under the 2022-2025 standard, income 1,400,000, no
    /// deprivation, not on the list.
    static func household(_ changes: [String: JSONValue] = [:]) -> HouseholdRecord {
        var fields: [String: JSONValue] = [
            "householdCode": "TL-0001",
            "headName": "Nguyễn Văn An",
            "citizenId": "060123456789",
            "province": "Lâm Đồng",
            "commune": "Tánh Linh",
            "village": "Thôn 1",
            "area": "rural",
            "members": 4,
            "monthlyIncomePerCapita": 1_400_000,
            "housingAreaM2": 40,
            "savingsGroup": "TL-G01",
            "association": "farmers",
        ]
        for (key, value) in changes { fields[key] = value }
        return HouseholdRecord(fields)
    }

    /// Three deprivations (employment, health insurance, latrine).
    static let threeDeprivations: [String: JSONValue] = [
        "unemployedMembers": 1, "uninsuredMembersAged6Plus": 1, "hygienicLatrine": false,
    ]

    static func merged(_ parts: [String: JSONValue]...) -> [String: JSONValue] {
        parts.reduce(into: [:]) { result, part in result.merge(part) { $1 } }
    }

    static func reviewed(
        _ changes: [String: JSONValue] = [:], asOf: String = "2026-03-01", whatIf: Bool = false, standard: String? = nil
    ) throws -> HouseholdReview {
        try review(household: household(changes), asOf: date(asOf), rules: rules, whatIf: whatIf, standard: standard)
    }

    /// A 12,000,000 poor-household loan disbursed 2025-01-15, six instalments of
    /// 2,000,000 every 4 months, maturity 2027-01-15.
    static func loan(_ changes: [String: JSONValue] = [:]) -> LoanRecord {
        var fields: [String: JSONValue] = [
            "loanId": "L-0001",
            "householdCode": "TL-0001",
            "program": "poor_household",
            "principal": 12_000_000,
            "disbursedOn": "2025-01-15",
            "maturityOn": "2027-01-15",
            "repaymentPeriodMonths": 4,
        ]
        for (key, value) in changes { fields[key] = value }
        return LoanRecord(fields)
    }

    static func status(_ changes: [String: JSONValue] = [:], asOf: String, dueSoonDays: Int? = nil) -> LoanStatusResult {
        loanStatus(loan: loan(changes), asOf: date(asOf), dueSoonDays: dueSoonDays, rules: rules)
    }

    /// Parses output with Foundation, independently of the module's own reader.
    static func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        return try #require(object as? [String: Any])
    }

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension HouseholdReview {
    var flagCodes: [String] { flags.map(\.code.rawValue) }
}

extension LoanStatusResult {
    var flagCodes: [String] { flags.map(\.code.rawValue) }
}
