import ArgumentParser
import ChungTayBatchOutput
import ChungTayClient
import Foundation

extension NotificationsCommand {
    /// `chungtay notifications print --batch B --out DIR`: the per-savings-group lists and
    /// the commune letters as HTML with print CSS, and as PDF where Chromium is installed.
    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Write a batch's savings-group lists and commune letters as printable HTML and PDF.",
            discussion: """
                Reads the dispatcher's store directly, so it runs on the dispatcher's machine (or give --data-dir). \
                Writes DIR/groups/GROUP.html (one list per savings group for the transaction day), \
                DIR/letters/COMMUNE-ROLE.html (one letter per commune office), DIR/group-lists.html and \
                DIR/letters.html (all of them, one per page), and a PDF beside each through headless Chromium. \
                Notifications the outbox marks suppressed (repeats) are left out; once every PDF is written, the \
                letter and group-list recipients of the printed notifications are recorded as delivered.
                """)

        @OptionGroup var client: ClientOptions
        @Option(help: "The batch id (or name).") var batch: String
        @Option(help: "The directory to write into: new, empty, or an earlier print, whose documents are replaced (files are readable by you only).") var out: String
        @Option(help: "The dispatcher's data directory (default: as the dispatcher reports it).") var dataDir: String?

        func run() throws {
            do {
                let (batchId, directory) = try BatchExportCommand.open(batch, client: client, dataDir: dataDir, output: "print")
                let summary = try NotificationPrint(dataDirectory: directory, batchId: batchId).write(to: URL(fileURLWithPath: out))
                var pdfs = 0
                var failure: PDFPrinter.Failure?
                do {
                    let printer = try PDFPrinter()
                    defer { printer.close() }
                    (pdfs, failure) = printer.print(summary.documents)
                } catch let error as PDFPrinter.Failure {
                    failure = error
                }
                let suppressed = summary.suppressed > 0 ? " (\(summary.suppressed) suppressed as repeats left out)" : ""
                print("\(batchId): \(summary.groups) savings-group lists, \(summary.letters) letters from \(summary.notifications) notifications\(suppressed); "
                    + "\(summary.documents.count) HTML and \(pdfs) PDF files in \(out)")
                if let failure {
                    StandardStreams.error("chungtay: \(failure); the HTML files are written, no delivery is recorded\n")
                    throw ExitCode(CLIExit.jobFailed.rawValue)
                }
                try NotificationPrint.syncDirectories(of: URL(fileURLWithPath: out))
                let delivered = try PrintedDeliveries.record(outboxIds: summary.outboxIds, dataDirectory: directory)
                print("\(delivered) letter and group-list recipients recorded as delivered")
            } catch let error as ClientError {
                throw report(error)
            }
        }
    }
}
