import ArgumentParser

/// `chungtay notifications …`: what the batch's notifications become for the people
/// they are addressed to.
struct NotificationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "Deliver a batch's notifications: printed group lists and commune letters.",
        subcommands: [Print.self])
}
