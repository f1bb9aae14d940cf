import ChungTayRuntime
public import Logging
public import ServiceLifecycle

extension WorkerRuntime {
    /// The worker as a lifecycle service: SIGTERM drains it.
    public static func service(configuration: WorkerConfiguration, handlers: [any TaskHandler], logger: Logger) -> some Service {
        DedicatedThreadService(name: "chungtay-worker") { shouldStop in
            let runtime = try WorkerRuntime(configuration: configuration, handlers: handlers, logger: logger)
            try runtime.run(shouldStop: shouldStop)
        }
    }
}
