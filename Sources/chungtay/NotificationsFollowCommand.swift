import ArgumentParser
import ChungTayClient
import ChungTayCoding
import ChungTayWire
import Foundation
import ZeroMQ

extension NotificationsCommand {
    /// `chungtay notifications follow`: a subscriber of the dispatcher's notification feed
    /// (CTNP01) for people and scripts: prints each notification, then acknowledges it.
    struct Follow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow",
            abstract: "Receive every notification from the dispatcher's feed (--notify-feed) and acknowledge it.",
            discussion: """
                Subscribes to the feed as --subscriber NAME: the feed keeps a durable cursor per name, so a \
                restarted follow goes on after the last notification it acknowledged (at least once: one that \
                was printed but whose acknowledgement did not reach the feed's disk comes again). Each \
                notification is printed, then acknowledged (printed to a file, fsynced before that); a \
                dispatcher that restarts is waited for. SIGINT \
                and SIGTERM end it within a second, telling the feed it leaves. \
                Text lines are: id, type, subject, first recipient (role and id), message, separated by tabs; \
                --json prints each stored document as one JSON line with its "id" first.
                """)

        @Option(help: "The dispatcher's feed endpoint, as given to `dispatcher --notify-feed` (CHUNGTAY_NOTIFY_FEED).") var connect: String?
        @Option(help: "This subscriber's name (1 to 64 of a-z, 0-9, '.', '_', '-'): the feed's cursor is kept per name.")
        var subscriber: String
        @Option(help: "Exit after printing and acknowledging this many notifications.") var count: Int?
        @Option(help: "How many notifications may wait unacknowledged (1 to 1000; default 100).") var window: UInt16 = 100
        @Flag(help: "Print JSON Lines: each notification's document with its id.") var json = false
        @OptionGroup var curve: CurveOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var settings: SettingsOptions

        func validate() throws {
            guard NotificationFeedProtocol.isValidName(subscriber) else {
                throw ValidationError("--subscriber must be 1 to 64 of a-z, 0-9, '.', '_', '-'")
            }
            guard (1...UInt16(NotificationFeedProtocol.maxWindow)).contains(window) else { throw ValidationError("--window must be 1 to 1000") }
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
            _ = try resolve()
        }

        private func resolve() throws -> (endpoint: String, curve: CurveClientKeys?, logging: LoggingOptions.Resolved) {
            try SettingsReader.resolve(settings, flags: [.init("notify.feed", "--connect", connect)] + curve.flags + logging.flags) { settings in
                guard let endpoint = try await settings.string("notify.feed") else {
                    throw ValidationError("needs --connect E (CHUNGTAY_NOTIFY_FEED): the dispatcher's --notify-feed endpoint")
                }
                return (endpoint, try await CurveOptions.read(from: settings), try await LoggingOptions.read(from: settings))
            }
        }

        func run() throws {
            let (endpoint, curve, logOptions) = try resolve()
            ClientLogging.start(logOptions)
            let logger = ClientLogging.logger
            let silenceLimit = Duration.seconds(NotificationFeedProtocol.heartbeatInterval * Double(NotificationFeedProtocol.heartbeatLiveness))
            var printed = 0
            var outputFailure: String?
            let stop = StopRequest()
            let signals = stop.watch()
            defer { signals.forEach { $0.cancel() } }
            do throws(ClientError) {
                let subscription = try FeedSubscription(endpoint: endpoint, subscriber: subscriber, window: window, curve: curve)
                defer { subscription.close() }
                var silent = false
                feed: while !stop.isRequested, count.map({ printed < $0 }) ?? true {
                    guard let event = try subscription.next(timeout: .seconds(NotificationFeedProtocol.heartbeatInterval)) else {
                        if !silent, subscription.silence > silenceLimit {
                            silent = true
                            logger.warning("the feed is silent; waiting for it", metadata: ["endpoint": "\(endpoint)", "reason": "\(subscription.silence(seconds: silenceLimit.seconds))"])
                        }
                        continue
                    }
                    silent = false
                    switch event {
                    case .welcome(let cursor, let window):
                        logger.info("following the notification feed", metadata: [
                            "subscriber": "\(subscriber)", "ackedThrough": "\(cursor)", "window": "\(window)",
                        ])
                    case .notifications(var notifications):
                        if let count { notifications = Array(notifications.prefix(count - printed)) }
                        let lines = notifications.map { json ? Self.jsonLine($0) : Self.textLine($0) }
                        // An acknowledged notification never comes again: printed to a file, it is on
                        // disk first. A pipe or a terminal cannot be synced (EINVAL); keeping what they
                        // show is their reader's part. Output that fails (a full disk) is not acknowledged.
                        do {
                            try FileHandle.standardOutput.write(contentsOf: Data(lines.joined()))
                        } catch {
                            outputFailure = "\(error)"
                            break feed
                        }
                        if fsync(STDOUT_FILENO) != 0, errno != EINVAL, errno != EROFS {
                            outputFailure = String(cString: strerror(errno))
                            break feed
                        }
                        try subscription.acknowledge(notifications.map(\.id))
                        printed += notifications.count
                    }
                }
            } catch {
                throw report(error)
            }
            if let outputFailure {
                logger.error("cannot write or sync the output; the last notifications are not acknowledged and will come again",
                             metadata: ["error": "\(outputFailure)"])
                throw ExitCode(EXIT_FAILURE)
            }
        }

        /// The stored document with `"id"` spliced in as its first member (the document is an object: `{…}`).
        static func jsonLine(_ notification: FeedNotification) -> [UInt8] {
            let rest = notification.document.dropFirst()
            let separator: [UInt8] = rest.first == UInt8(ascii: "}") ? [] : [UInt8(ascii: ",")]
            return Array("{\"id\":\(notification.id)".utf8) + separator + rest + [UInt8(ascii: "\n")]
        }

        /// Id, type, subject, first recipient and message (Vietnamese), tab-separated; a
        /// document that does not parse prints as it is after its id.
        static func textLine(_ notification: FeedNotification) -> [UInt8] {
            guard let document = (try? JSONValue(parsing: notification.document))?.objectValue else {
                return Array("\(notification.id)\t".utf8) + notification.document + [UInt8(ascii: "\n")]
            }
            func text(_ value: JSONValue?) -> String {
                guard case .string(let string)? = value else { return "" }
                return string.replacing("\t", with: " ").replacing("\n", with: " ")
            }
            var recipient = ""
            if case .array(let recipients)? = document["recipients"], let first = recipients.first?.objectValue {
                recipient = [text(first["role"]), text(first["id"])].filter { !$0.isEmpty }.joined(separator: " ")
            }
            let fields = ["\(notification.id)", text(document["type"]), text(document["subject"]), recipient, text(document["message_vi"])]
            return Array((fields.joined(separator: "\t") + "\n").utf8)
        }
    }
}
