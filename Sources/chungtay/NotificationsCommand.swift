import ArgumentParser

/// `chungtay notifications`: the notifications the reviews produced and their delivery.
struct NotificationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "Follow the notifications the dispatcher delivers.",
        subcommands: [Follow.self])
}
