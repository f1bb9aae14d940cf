import ArgumentParser
import ChungTaySampleData
import Foundation

/// `chungtay demo-data`: writes a deterministic sample household list and loan book for
/// demonstrations, tests and benchmarks.
struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Write sample households.csv/.jsonl and loans.csv/.jsonl for Tánh Linh.",
        discussion: "The same --households, --seed and --bad-rate always give byte-identical files.")

    @Option(help: "Number of households.") var households: Int
    @Option(help: "Seed of the generator.") var seed: UInt64
    @Option(help: "Directory to write the four files into (created if missing).") var out: String
    @Option(help: "Share of records broken on purpose, 0 to 1.") var badRate: Double = 0

    func validate() throws {
        guard households >= 1 else { throw ValidationError("--households must be at least 1") }
        guard (0...1).contains(badRate) else { throw ValidationError("--bad-rate must be between 0 and 1") }
        guard !out.isEmpty else { throw ValidationError("--out must name a directory") }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        let summary = try SampleDataSet(households: households, seed: seed, badRate: badRate).write(to: directory)
        print("wrote \(summary.households) households and \(summary.loans) loans (\(summary.borrowingHouseholds) borrowing households) to \(directory.path)")
    }
}
