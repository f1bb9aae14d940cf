import ChungTaySampleData
import Foundation
import Testing

/// Benchmarks and tests name their input by households, seed and bad rate; that only
/// works if those three fix every byte.
@Suite struct DeterminismTests {
    @Test func sameInputsGiveIdenticalFiles() throws {
        let first = try GeneratedFiles(households: 1500, seed: 42, badRate: 0.05)
        let second = try GeneratedFiles(households: 1500, seed: 42, badRate: 0.05)
        defer { first.remove(); second.remove() }
        for name in SampleDataSet.fileNames {
            #expect(try first.bytes(name) == second.bytes(name), "\(name) differs between runs")
        }
    }

    @Test func anotherSeedGivesOtherFiles() throws {
        let first = try GeneratedFiles(households: 300, seed: 1)
        let second = try GeneratedFiles(households: 300, seed: 2)
        defer { first.remove(); second.remove() }
        for name in SampleDataSet.fileNames {
            #expect(try first.bytes(name) != second.bytes(name), "\(name) is the same for two seeds")
        }
    }

    @Test func countsMatchTheRequest() throws {
        let files = try GeneratedFiles(households: 3000, seed: 9)
        defer { files.remove() }
        let households = try files.jsonLines("households.jsonl")
        let loans = try files.jsonLines("loans.jsonl")
        #expect(households.count == 3000)
        #expect(loans.count == files.summary.loans)
        let borrowers = Set(loans.compactMap { $0["householdCode"] as? String })
        #expect(borrowers.count == files.summary.borrowingHouseholds)
        #expect((1800...2100).contains(borrowers.count), "about 60-70% of households borrow")
        let perBorrower = Double(loans.count) / Double(borrowers.count)
        #expect((1.12...1.28).contains(perBorrower), "loans per borrowing household \(perBorrower)")
        #expect(try files.text("households.csv").split(separator: "\r\n").count == 3001)
        #expect(try files.text("loans.csv").split(separator: "\r\n").count == loans.count + 1)
    }
}
