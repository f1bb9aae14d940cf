import ArgumentParser
import ChungTayClient
import ChungTayCoding
import ChungTayWire
import Foundation

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch", abstract: "Review whole household and loan lists: submit, follow, list and export batches.",
        subcommands: [BatchSubmitCommand.self, Status.self, List.self, BatchExportCommand.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "A batch's state, counts and summary.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The batch id (or name).") var id: String
        @Flag(help: "Print one JSON object: id, name, state, households, loans, reviewed, loanStatuses, notifications, summary, audit…") var json = false

        func run() throws {
            do {
                let (view, document) = try client.client().batchStatus(id)
                if json { try printLine(document) } else { print(BatchText.describe(view)) }
            } catch let error as ClientError {
                throw report(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every batch the dispatcher holds, one line each.")
        @OptionGroup var client: ClientOptions
        @Flag(help: "Print a JSON array of batch statuses.") var json = false

        func run() throws {
            do {
                guard case .batchInfo(let document) = try client.client().call(.batchList) else { throw ClientError.badReply("expected BATCH-INFO") }
                if json {
                    try printLine(document)
                    return
                }
                let batches = try BatchStatus.list(json: document)
                if batches.isEmpty { print("no batches") }
                for batch in batches { print(BatchText.line(batch)) }
            } catch let error as ClientError {
                throw report(error)
            }
        }
    }
}

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "Look up stored results.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Every stored document of a household: its reviews, its loans' statuses and its notifications.",
            discussion: "Prints one JSON document per line, oldest first. Exit code 1 when nothing is stored for the household.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The household code.") var householdCode: String
        @Option(help: "Only documents of this batch.") var batch: String?

        func run() throws {
            do {
                guard case .documents(let documents) = try client.client().call(.results(key: householdCode, batchId: batch, requestedBy: InputFingerprint.submitter)) else {
                    throw ClientError.badReply("expected DOCUMENTS")
                }
                // The index is by hash: keep only documents that really belong to the household.
                let matching = documents.filter { BatchText.belongs($0, to: householdCode) }
                for document in matching { try printLine(document) }
                if matching.isEmpty {
                    StandardStreams.error("chungtay: no stored results for household \(householdCode)\n")
                    throw ExitCode(CLIExit.jobFailed.rawValue)
                }
            } catch let error as ClientError {
                throw report(error)
            }
        }
    }
}

/// Human renderings of batch statuses.
enum BatchText {
    static func line(_ batch: BatchStatus) -> String {
        "\(batch.id)  \(batch.state.padding(toLength: 9, withPad: " ", startingAt: 0)) as of \(batch.asOf)  "
            + "\(batch.households) households, \(batch.loans) loans, \(batch.notifications) notifications  \(batch.name)"
    }

    static func describe(_ batch: BatchStatus) -> String {
        var lines = [
            "batch \(batch.id) (\(batch.name)): \(batch.state), as of \(batch.asOf)",
            "  households \(batch.households) accepted, \(batch.reviewed) reviewed",
            "  loans      \(batch.loans) accepted, \(batch.loanStatuses) assessed",
            "  notifications \(batch.notifications)",
            "  jobs       \(batch.jobs.queued) queued, \(batch.jobs.completed) completed, \(batch.jobs.dead) dead",
        ]
        if let errors = batch.inputErrors, errors > 0 { lines.append("  input errors \(errors) (flagged record_unreadable)") }
        return lines.joined(separator: "\n")
    }

    /// Whether a document found under the household's key hash is really the household's:
    /// reviews and loan statuses carry `householdCode`, which must match; notifications
    /// (whose subject may be a loan id) were indexed under it by the worker that wrote them.
    static func belongs(_ document: [UInt8], to householdCode: String) -> Bool {
        guard case .object(let object)? = try? JSONValue(parsing: document) else { return false }
        guard let code = object["householdCode"] else { return true }
        return code == .string(householdCode)
    }
}
