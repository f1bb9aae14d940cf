import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM as a flag a command's loop checks, for a command that must end
/// cleanly rather than die where it stands: `notifications follow` says GOODBYE, so the
/// feed releases what it had out for it at once. Installs its handlers explicitly, so a
/// signal the parent ignored (which `exec` passes on) still ends the command.
final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Starts watching; keep the returned sources as long as the command runs.
    func watch() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in requested.store(true, ordering: .relaxed) }
            source.resume()
            return source
        }
    }
}
