import ArgumentParser
import Configuration

/// `--notify-feed E` of the dispatcher: where the notification feed (CTNP01) binds, or no
/// feed (setting `notify.feed`, the key `notifications follow --connect` reads too). Like
/// the other endpoints, a TCP address beyond loopback needs CURVE or `--insecure`
/// (``DispatcherSettings``).
struct NotifyFeedOption: ParsableArguments {
    @Option(name: .customLong("notify-feed"), help: """
        Notification feed endpoint to bind, for the bank's messaging system and `chungtay notifications follow`; \
        none when not given; TCP beyond loopback only with --curve-secret or --insecure (CHUNGTAY_NOTIFY_FEED).
        """)
    var endpoint: String?

    var flags: [SettingsReader.Flag] {
        [.init(Self.endpointKey, "--notify-feed", endpoint)]
    }

    static let endpointKey: ConfigKey = "notify.feed"
}
