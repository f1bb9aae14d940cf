import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// Rule data: versioned files, swapped without a code change, malformed files named
/// with the field at fault, and the `rules show` description.
@Suite("Rule data files")
struct RuleDataTests {
    static let bundledDirectory: URL = {
        guard let url = RuleBook.bundledDirectory else {
            fatalError("the test bundle has no rule data")
        }
        return url
    }()

    /// A copy of the shipped rule files in a new temporary directory, with one file edited.
    private func directory(editing file: String, _ edit: (String) -> String) throws -> URL {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.bundledDirectory, to: target)
        let path = target.appendingPathComponent(file)
        try edit(try String(contentsOf: path, encoding: .utf8)).write(to: path, atomically: true, encoding: .utf8)
        return target
    }

    private func loadError(_ directory: URL) -> RuleDataError? {
        do {
            _ = try RuleBook(directory: directory)
            return nil
        } catch {
            return error
        }
    }

    @Test func theShippedFilesLoadAndDescribeThemselves() throws {
        let rules = try RuleBook.bundled()
        #expect(rules.standardIds == ["2022-2025", "2027-2030"])
        let everything = try rules.describe(standard: nil)
        let files = try #require(try JSONValue(parsing: Array(everything.utf8)).objectValue).members.map(\.key)
        #expect(files == [
            "communes.json", "notification-rules.json", "notification-templates.json", "programmes.json", "record-flags.json",
            "review-policy.json", "standard-2022-2025.json", "standard-2027-2030.json",
        ])
        let one = try rules.describe(standard: "2027-2030")
        #expect(one.contains("\"standard-2027-2030.json\""))
        #expect(!one.contains("\"standard-2022-2025.json\""))
        #expect(throws: TaskRejection.self) { try rules.describe(standard: "2040-2045") }
    }

    @Test(arguments: ["standard-2022-2025.json", "standard-2027-2030.json"])
    func eachStandardFileCarriesItsVersionAndSources(_ file: String) throws {
        let text = try String(contentsOf: Self.bundledDirectory.appendingPathComponent(file), encoding: .utf8)
        let root = try #require(try JSONValue(parsing: Array(text.utf8)).objectValue)
        #expect(root["version"] != nil)
        guard case .object(let sources)? = root["sources"] else {
            Issue.record("\(file) has no sources note")
            return
        }
        for key in ["appliesFrom", "incomeThresholds.rural.povertyLine", "incomeThresholds.urban.povertyLine", "indicators"] {
            #expect(sources[key] != nil, "\(file) does not say where \(key) comes from")
        }
    }

    @Test func theNewStandardsIndicatorsAreMarkedAsACopyOfTheOld() throws {
        func root(_ file: String) throws -> JSONObject {
            let text = try String(contentsOf: Self.bundledDirectory.appendingPathComponent(file), encoding: .utf8)
            return try #require(try JSONValue(parsing: Array(text.utf8)).objectValue)
        }
        let old = try root("standard-2022-2025.json")
        let new = try root("standard-2027-2030.json")
        #expect(old["indicators"] == new["indicators"])
        guard case .string(let status)? = new["indicatorsStatus"] else {
            Issue.record("the 2027-2030 file does not say its indicators are a copy")
            return
        }
        #expect(status.contains("copy"))
    }

    @Test func swappingAFileChangesBehaviourWithoutACodeChange() throws {
        let raisedLine = try directory(editing: "standard-2022-2025.json") {
            $0.replacingOccurrences(of: #""povertyLine": 1500000"#, with: #""povertyLine": 1600000"#)
        }
        let rules = try RuleBook(directory: raisedLine)
        let household = Fixture.household(["monthlyIncomePerCapita": 1_550_000])
        #expect(try review(household: household, asOf: Fixture.date("2026-03-01"), rules: Fixture.rules).classification == .average)
        let swapped = try review(household: household, asOf: Fixture.date("2026-03-01"), rules: rules)
        #expect(swapped.classification == .nearPoor)
        #expect(swapped.povertyLine == 1_600_000)
    }

    @Test func aMalformedValueNamesTheFileAndTheField() throws {
        let error = loadError(try directory(editing: "standard-2022-2025.json") {
            $0.replacingOccurrences(of: #""povertyLine": 1500000"#, with: #""povertyLine": "a lot""#)
        })
        #expect(error?.file == "standard-2022-2025.json")
        #expect(error?.field == "incomeThresholds.rural.povertyLine")
        #expect(error?.description.contains("standard-2022-2025.json") == true)
    }

    @Test func otherMalformedFilesAreNamedToo() throws {
        let notJSON = loadError(try directory(editing: "programmes.json") { $0 + "}" })
        #expect(notJSON?.file == "programmes.json")
        let unknownFact = loadError(try directory(editing: "standard-2027-2030.json") {
            $0.replacingOccurrences(of: #""safeWater""#, with: #""cleanWater""#)
        })
        #expect(unknownFact?.file == "standard-2027-2030.json")
        #expect(unknownFact?.field == "indicators[8].deprivedWhen.fact")
        let badPlaceholder = loadError(try directory(editing: "notification-templates.json") {
            $0.replacingOccurrences(of: "{loanId}", with: "{loanNumber}")
        })
        #expect(badPlaceholder?.file == "notification-templates.json")
        #expect(badPlaceholder?.field == "types.due_reminder.vi")
        let badBucket = loadError(try directory(editing: "programmes.json") {
            $0.replacingOccurrences(of: #""fromDays": 91"#, with: #""fromDays": 95"#)
        })
        #expect(badBucket?.field == "overdue.buckets[1].fromDays")
        let missingSeverity = loadError(try directory(editing: "record-flags.json") {
            $0.replacingOccurrences(of: #""severity": "info""#, with: #""severity": "notice""#)
        })
        #expect(missingSeverity?.field == "flags.extended.severity")
    }

    /// A notification template or correction table that could show a missing value, or
    /// leave a flag or field without words, is refused at load rather than sent.
    @Test(arguments: [
        ("Khoản vay[ {loanId}] của hộ", "Khoản vay {loanId} của hộ", "types.due_reminder.vi", "{loanId} may be missing"),
        ("xã để trả nợ.\"", "xã để trả nợ. [\"", "types.due_reminder.vi", "\"[\" without \"]\""),
        ("Khoản vay[ {loanId}] của hộ", "Khoản vay[ [{loanId}]] của hộ", "types.due_reminder.vi", "an optional segment inside another"),
        ("Hồ sơ[ {subject}]", "Hồ sơ] {subject}", "types.data_correction.vi", "\"]\" without \"[\""),
        (#""citizen_id_format": {"#, #""citizen_id_formats": {"#, "corrections.citizen_id_format", "missing"),
        (#""principal": { "vi": "số tiền vay: ghi"#, #""principle": { "vi": "số tiền vay: ghi"#,
         "corrections.field_invalid.fields.principle", "not a field of SCHEMA.md"),
        (#""phone": { "vi": "số điện thoại""#, #""telephone": { "vi": "số điện thoại""#, "fieldNames.phone", "missing"),
    ])
    func unsafeNotificationTextsAreRefused(_ original: String, _ replacement: String, _ field: String, _ message: String) throws {
        let error = loadError(try directory(editing: "notification-templates.json") {
            #expect($0.contains(original))
            return $0.replacingOccurrences(of: original, with: replacement)
        })
        #expect(error?.file == "notification-templates.json")
        #expect(error?.field == field)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func overlappingStandardsAreRefused() throws {
        let error = loadError(try directory(editing: "standard-2027-2030.json") {
            $0.replacingOccurrences(of: #""appliesFrom": "2027-01-01""#, with: #""appliesFrom": "2026-06-01""#)
        })
        #expect(error?.file == "standard-2027-2030.json")
        #expect(error?.field == "appliesFrom")
    }

    @Test func aMissingFileIsNamed() throws {
        let target = try directory(editing: "communes.json") { $0 }
        try FileManager.default.removeItem(at: target.appendingPathComponent("communes.json"))
        #expect(loadError(target)?.file == "communes.json")
    }
}
