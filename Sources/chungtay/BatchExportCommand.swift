#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import ChungTayBatchOutput
import ChungTayClient
import ChungTayStore
import Foundation

struct BatchExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a batch's outputs: per commune its households and loans, per savings group the transaction-day list.",
        discussion: """
            Reads the dispatcher's store directly, so it runs on the dispatcher's machine (or give --data-dir). \
            As workbooks (xlsx: communes/COMMUNE.xlsx, savings-groups/GROUP.xlsx, notifications.xlsx) when run from a \
            terminal, as CSV (communes/COMMUNE/households.csv and loans.csv, savings-groups/GROUP.csv, notifications.csv) \
            otherwise; --format chooses.
            """)

    @OptionGroup var client: ClientOptions
    @Argument(help: "The batch id (or name).") var id: String
    @Option(help: "The directory to write into: new, empty, or an earlier export, which is replaced whole only once the new one is complete and fsynced (files are readable by you only).") var out: String
    @Option(help: "The dispatcher's data directory (default: as the dispatcher reports it).") var dataDir: String?
    @Option(help: "xlsx (workbooks, for people) or csv (for scripts and services); default: xlsx when standard output is a terminal, else csv.")
    var format: ExportFormatName?

    func run() throws {
        do {
            let (batchId, directory) = try Self.open(id, client: client, dataDir: dataDir, output: "export")
            var export = BatchExport(dataDirectory: directory, batchId: batchId)
            export.format = format?.format ?? .default(standardOutputIsTerminal: isatty(STDOUT_FILENO) == 1)
            let summary = try export.write(to: URL(fileURLWithPath: out))
            print("\(batchId): \(summary.households) households, \(summary.loans) loans, \(summary.notifications) notifications; "
                + "\(summary.communes) communes, \(summary.groups) savings groups; \(summary.filesWritten) files in \(out) "
                + "(\(export.format.rawValue))")
        } catch let error as ClientError {
            throw report(error)
        }
    }

    /// The batch's id and data directory for a command that reads its documents from the
    /// store (`batch export`, `notifications print`: `output` names which), after warning
    /// that an incomplete batch gives what is stored so far, and recording the reading.
    static func open(_ reference: String, client: ClientOptions, dataDir: String?, output: String) throws -> (id: String, dataDirectory: URL) {
        let status = try client.client().batchStatus(reference).status
        if !status.isComplete {
            StandardStreams.error("chungtay: batch \(status.id) is \(status.state); the \(output) holds what is stored so far\n")
        }
        let directory = URL(fileURLWithPath: dataDir ?? status.dataDirectory)
        try audit(status.id, in: directory, output: output)
        return (status.id, directory)
    }

    /// Records the export in the data directory's audit trail before anything is read: an
    /// export that cannot be recorded does not happen. A print (`notifications print`)
    /// is an export of the same personal data, recorded as `"output":"print"`.
    private static func audit(_ batchId: String, in directory: URL, output: String) throws {
        try AuditRecord.append(.batchExported, ["user": .string(InputFingerprint.submitter), "batch": .string(batchId), "output": .string(output)],
                               in: DataDirectory(root: directory), refusing: "exported")
    }
}

/// An export format as `--format` spells it (`xlsx`, `csv`); help and errors list them.
struct ExportFormatName: ExpressibleByArgument {
    var format: ExportFormat

    init?(argument: String) {
        guard let format = ExportFormat(rawValue: argument) else { return nil }
        self.format = format
    }

    static var allValueStrings: [String] { ExportFormat.allCases.map(\.rawValue) }
}
