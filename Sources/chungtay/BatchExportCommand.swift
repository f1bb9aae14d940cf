import ArgumentParser
import ChungTayBatchOutput
import ChungTayClient
import ChungTayStore
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
            let directory = URL(fileURLWithPath: dataDir ?? status.dataDirectory)
            try Self.audit(status.id, in: directory)
            let export = BatchExport(dataDirectory: directory, batchId: status.id)
            let summary = try export.write(to: URL(fileURLWithPath: out))
            print("\(status.id): \(summary.households) households, \(summary.loans) loans, \(summary.notifications) notifications; "
                + "\(summary.communes) communes, \(summary.groups) savings groups; \(summary.filesWritten) files in \(out)")
        } catch let error as ClientError {
            throw report(error)
        }
    }

    /// Records the export in the data directory's audit trail before anything is read: an
    /// export that cannot be recorded does not happen.
    static func audit(_ batchId: String, in directory: URL) throws {
        do {
            let trail = try AuditTrail(directory: DataDirectory(root: directory))
            var line: [UInt8] = []
            AuditLine.append(to: &line, time: AuditLine.time(Date()), event: .batchExported, [
                "user": .string(InputFingerprint.submitter), "batch": .string(batchId),
            ])
            try trail.append(line)
            try trail.sync()
        } catch {
            FileHandle.standardError.write(Data("chungtay: cannot record the export in the audit trail, so nothing was exported: \(error)\n".utf8))
            throw ExitCode(CLIExit.jobFailed.rawValue)
        }
    }
}
