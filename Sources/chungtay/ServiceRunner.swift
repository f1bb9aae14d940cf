import ChungTayRuntime
import Foundation
import Logging
import ServiceLifecycle

/// Runs services under a `ServiceGroup` (SIGTERM and SIGINT shut them down gracefully)
/// from the synchronous command's main thread, which is not part of Swift's cooperative
/// pool and so may block until the group finishes.
enum ServiceRunner {
    /// `readyStatus`: READY=1 to the service manager as the group starts, with that status;
    /// nil when the command says READY=1 itself, later (the dispatcher, once it serves).
    static func run(
        logger: Logger, readyStatus: String? = nil, _ makeServices: @escaping @Sendable () async throws -> [any Service]
    ) throws {
        AllocatorTuning.applyForServices()
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                // Last: a group shuts its services down in reverse order, so the reporter hears
                // the shutdown first and says STOPPING=1 as the drain begins.
                let services = try await makeServices() + [ServiceManagerNotification.Reporter(readyStatus: readyStatus, logger: logger)]
                let group = ServiceGroup(configuration: .init(
                    services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
                try await group.run()
            } catch {
                outcome.error = "\(error)"
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error {
            logger.critical("stopped on error", metadata: ["error": "\(error)"])
            throw ExitCodeError.failure
        }
    }

    private final class Outcome: @unchecked Sendable {
        var error: String?
    }

    enum ExitCodeError: Error { case failure }
}

/// Logging for long-running commands: lines on standard error as text or JSON, personal
/// data masked, level as the command's settings give it (`LoggingOptions`), and every
/// record also offered to `sink` for the log bus when there is one.
enum ProcessLogging {
    static func bootstrap(_ options: LoggingOptions.Resolved, identity: LogIdentity, sink: LogSink? = nil) -> Logger {
        LoggingSystem.bootstrap { _ in
            var handler = StructuredLogHandler(identity: identity, format: options.format, sink: sink)
            handler.logLevel = options.level
            return handler
        }
        return Logger(label: "chungtay")
    }
}
