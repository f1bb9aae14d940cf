import ArgumentParser
import ChungTayDelivery
import ChungTayStore
import ChungTayWire
import Foundation

/// `chungtay notifications`: the outbox and its deliveries, read from the data directory.
struct NotificationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "The notifications outbox: list with delivery states, print group lists and letters, follow the feed.",
        subcommands: [List.self, Print.self, Follow.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List stored notifications with their delivery state (pending, delivered, failed, suppressed).",
            discussion: """
                Reads the dispatcher's data directory directly (safe while it runs). A notification is \
                suppressed when an earlier one had the same dedupKey while that key was live: it is never \
                delivered. Otherwise it is pending while any recipient waits, failed when nothing is left \
                to try and a recipient did not get it, delivered when every recipient did. With --json, one \
                JSON object per line: outboxId, batchId, type, dedupKey, subject, state, suppressedBy and \
                recipients with role, id, channel, state, attempts and lastError.
                """)

        @OptionGroup var data: DataDirectoryOption
        @Option(help: "Only this batch's notifications (its id or name).") var batch: String?
        @Option(help: "Only notifications in this state: pending, delivered, failed or suppressed.") var state: StateName?
        @Flag(help: "JSON Lines instead of text.") var json = false

        func run() throws {
            let directory = try data.directory()
            let batchId = try batch.map { try DataDirectoryOption.batchId($0, in: directory) }
            let outbox = try NotificationOutbox(dataDirectory: directory)
            var listed = 0
            try NotificationDeliveries.forEach(dataDirectory: directory, batchId: batchId) { delivery throws(StoreError) in
                if let state, state.state != delivery.state { return }
                let document = NotificationDocument(try outbox.document(of: delivery.entry))
                print(json
                    ? Self.jsonLine(delivery.entry, delivery.state, document, delivery.recipients)
                    : Self.textLine(delivery.entry, delivery.state, document, delivery.recipients))
                listed += 1
            }
            if !json { StandardStreams.error("\(listed) notifications\n") }
        }

        static func textLine(_ entry: OutboxEntry, _ state: NotificationState, _ document: NotificationDocument?, _ recipients: [RecipientDelivery]) -> String {
            var line = "\(entry.id)  \(state.rawValue)  \(document?.type ?? "?")  \(document?.subject ?? "-")  \(entry.batchId ?? "-")"
            if let first = entry.suppressedBy { line += "  repeats \(first)" }
            for recipient in recipients {
                line += "  \(recipient.role)/\(recipient.channel):\(recipient.state.rawValue)"
                if recipient.state != .delivered, let error = recipient.lastError { line += "(\(error))" }
            }
            return line
        }

        static func jsonLine(_ entry: OutboxEntry, _ state: NotificationState, _ document: NotificationDocument?, _ recipients: [RecipientDelivery]) -> String {
            func text(_ value: String?) -> String { value.map(JSONText.quoted) ?? "null" }
            let members = recipients.map { recipient in
                #"{"role":\#(text(recipient.role)),"id":\#(text(recipient.recipientId)),"channel":\#(text(recipient.channel)),"#
                    + #""state":\#(text(recipient.state.rawValue)),"attempts":\#(recipient.attempts),"lastError":\#(text(recipient.lastError))}"#
            }
            return #"{"outboxId":\#(entry.id),"batchId":\#(text(entry.batchId)),"type":\#(text(document?.type)),"#
                + #""dedupKey":\#(text(entry.dedupKey)),"subject":\#(text(document?.subject)),"state":\#(text(state.rawValue)),"#
                + #""suppressedBy":\#(entry.suppressedBy.map(String.init) ?? "null"),"recipients":[\#(members.joined(separator: ","))]}"#
        }

        /// `--state`: a `NotificationState` by its name.
        struct StateName: ExpressibleByArgument {
            let state: NotificationState

            init?(argument: String) {
                guard let state = NotificationState(rawValue: argument) else { return nil }
                self.state = state
            }

            static var allValueStrings: [String] { NotificationState.allCases.map(\.rawValue) }
        }
    }
}
