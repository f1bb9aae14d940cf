import Foundation
import Testing

/// Clean sample data must pass the rules' own checks and, run through them, produce
/// every class, list change, loan status and overdue bucket the summaries report on.
@Suite struct RulesAgreementTests {
    @Test func cleanDataCoversEveryOutcome() throws {
        let files = try GeneratedFiles(households: 2000, seed: 2026)
        defer { files.remove() }

        var classes: Set<String> = []
        var changes: Set<String> = []
        var codes: Set<String> = []
        var citizenIds: Set<String> = []
        for line in try files.jsonLineTexts("households.jsonl") {
            let review = try Rules.review(line)
            let errors = Rules.flags(review).filter { $0.severity == "error" }
            #expect(errors.isEmpty, "\(errors.map(\.code)) in \(line)")
            if let value = review["classification"] as? String { classes.insert(value) }
            if let value = review["change"] as? String { changes.insert(value) }
            if let value = review["householdCode"] as? String { codes.insert(value) }
            let household = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            citizenIds.insert(try #require(household["citizenId"] as? String))
        }
        #expect(classes == ["poor", "near_poor", "average", "above"])
        #expect(
            changes == [
                "entered_poverty", "poor_to_near_poor", "near_poor_to_poor", "escaped", "newly_escaped_expired",
                "reentered", "none",
            ])
        #expect(codes.count == 2000, "household codes are unique")
        #expect(citizenIds.count == 2000, "citizen IDs are unique")

        var statuses: Set<String> = []
        var buckets: Set<String> = []
        var programmes: Set<String> = []
        var loanFlags: Set<String> = []
        for line in try files.jsonLineTexts("loans.jsonl") {
            let status = try Rules.loanStatus(line)
            let errors = Rules.flags(status).filter { $0.severity == "error" }
            #expect(errors.isEmpty, "\(errors.map(\.code)) in \(line)")
            if let value = status["status"] as? String { statuses.insert(value) }
            if let value = status["overdueBucket"] as? String { buckets.insert(value) }
            if let value = status["program"] as? String { programmes.insert(value) }
            loanFlags.formUnion(Rules.flags(status).map(\.code))
        }
        #expect(statuses == ["current", "due_soon", "overdue", "settled", "frozen", "written_off"])
        #expect(buckets == ["1-90", "91-180", "181-360", ">360"])
        #expect(
            programmes == [
                "poor_household", "near_poor_household", "newly_escaped_household", "student", "job_creation",
                "clean_water_sanitation", "housing_poor",
            ])
        #expect(loanFlags.isSuperset(of: ["extended", "adjusted", "misuse"]))
    }
}
