import ChungTayAccess
import Dispatch
import Foundation
import Logging

/// SIGHUP reloads the dispatcher's allow directory. The reload runs on a dispatch queue, off
/// the dispatcher's thread, which notices the new generation at its next turn and closes
/// the connections of keys the new list no longer admits. A directory that fails to load
/// leaves the old list in force.
enum AllowListReload {
    /// Keep the returned source for as long as reloads should happen.
    static func start(_ access: AccessControl, logger: Logger) -> any DispatchSourceSignal {
        // The default action of SIGHUP ends the process; the dispatch source needs it ignored.
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "chungtay.allow-reload"))
        source.setEventHandler {
            do throws(KeyFileError) {
                try access.reload()
            } catch {
                logger.error("allow list not reloaded; the previous one stays in force", metadata: ["error": "\(error)"])
            }
        }
        source.resume()
        return source
    }
}
