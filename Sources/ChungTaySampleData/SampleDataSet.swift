import ChungTayRules
public import Foundation

/// The sample household list and loan book of `chungtay demo-data`: what to generate,
/// and the writer of the four files.
///
/// The same households, seed and bad rate give byte-identical files on every machine,
/// so a test or a benchmark can name its input by those three numbers.
public struct SampleDataSet: Sendable {
    public static let fileNames = ["households.csv", "households.jsonl", "loans.csv", "loans.jsonl"]

    public let households: Int
    public let seed: UInt64
    /// The share of records (0...1) broken on purpose.
    public let badRate: Double

    public init(households: Int, seed: UInt64, badRate: Double = 0) {
        self.households = households
        self.seed = seed
        self.badRate = badRate
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        public let households: Int
        public let borrowingHouseholds: Int
        public let loans: Int
    }

    /// Writes the four files into `directory` (created if needed), streaming record by
    /// record so memory stays flat whatever the size.
    public func write(to directory: URL) throws -> Summary {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var files = try Self.fileNames.map { try BufferedFile(url: directory.appendingPathComponent($0)) }
        let householdEncoder = RecordEncoder<HouseholdField>()
        let loanEncoder = RecordEncoder<LoanField>()
        try files[0].append { $0.append(contentsOf: householdEncoder.csvHeader) }
        try files[2].append { $0.append(contentsOf: loanEncoder.csvHeader) }

        let householdGenerator = HouseholdGenerator(seed: seed)
        let loanGenerator = LoanGenerator(seed: seed)
        var householdBreakage = HouseholdBreakage(rate: badRate, seed: seed)
        var loanBreakage = LoanBreakage(rate: badRate, seed: seed)
        var borrowers = 0
        var loanCount = 0
        for index in 0..<households {
            var household = householdGenerator.household(index: index)
            let loans = household.borrows ? loanGenerator.loans(for: household, index: index) : []
            householdBreakage.apply(to: &household, index: index)
            try files[0].append { householdEncoder.appendCSVRow(household.record, to: &$0) }
            try files[1].append { householdEncoder.appendJSONLine(household.record, to: &$0) }
            if !loans.isEmpty { borrowers += 1 }
            for var loan in loans {
                loanBreakage.apply(to: &loan, index: loanCount)
                loanCount += 1
                try files[2].append { loanEncoder.appendCSVRow(loan, to: &$0) }
                try files[3].append { loanEncoder.appendJSONLine(loan, to: &$0) }
            }
        }
        for index in files.indices { try files[index].close() }
        return Summary(households: households, borrowingHouseholds: borrowers, loans: loanCount)
    }
}
