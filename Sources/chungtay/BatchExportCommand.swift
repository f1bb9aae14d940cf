import ArgumentParser
import ChungTayBatchOutput
import ChungTayClient
import Foundation

struct BatchExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a batch's outputs: per-commune CSVs of households and loans, per savings group the transaction-day list.",
        discussion: "Reads the dispatcher's store directly, so it runs on the dispatcher's machine (or give --data-dir).")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The batch id (or name).") var id: String
    @Option(help: "The directory to write into: new, empty, or an earlier export, which is replaced whole only once the new one is complete and fsynced (files are readable by you only).") var out: String
    @Option(help: "The dispatcher's data directory (default: as the dispatcher reports it).") var dataDir: String?

    func run() throws {
        do {
            let status = try client.client().batchStatus(id).status
            if !status.isComplete {
                FileHandle.standardError.write(Data("chungtay: batch \(status.id) is \(status.state); exporting what is stored so far\n".utf8))
            }
            let export = BatchExport(dataDirectory: URL(fileURLWithPath: dataDir ?? status.dataDirectory), batchId: status.id)
            let summary = try export.write(to: URL(fileURLWithPath: out))
            print("\(status.id): \(summary.households) households, \(summary.loans) loans, \(summary.notifications) notifications; "
                + "\(summary.communes) communes, \(summary.groups) savings groups; \(summary.filesWritten) files in \(out)")
        } catch let error as ClientError {
            throw report(error)
        }
    }
}
