import ArgumentParser
import Foundation

/// `chungtay-bench compare-stores`: the comparison the chaos and disk-full runs end with,
/// between any two stopped data directories holding the same batch.
struct CompareStoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-stores",
        abstract: "Compare one batch's documents in two stopped data directories (lost, duplicated, differing).")

    @Option(name: .customLong("run"), help: "The data directory to check.") var checked: String
    @Option(help: "The data directory of the undisturbed run.") var reference: String
    @Option(help: "The batch id (the same in both).") var batch = "B000001"

    func run() throws {
        let comparison = StoreComparison(
            run: try BatchDocuments(dataDirectory: URL(fileURLWithPath: checked), batchId: batch),
            reference: try BatchDocuments(dataDirectory: URL(fileURLWithPath: reference), batchId: batch))
        guard ChaosCommand.printComparison(comparison) else { throw ExitCode.failure }
    }
}
