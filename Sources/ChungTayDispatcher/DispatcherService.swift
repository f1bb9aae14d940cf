import ChungTayRuntime
public import Logging
public import ServiceLifecycle
import ZeroMQ

extension Dispatcher where Clock == SystemClock {
    /// The dispatcher as a lifecycle service, on the configured data directory, the system's
    /// time and a context of its own. `onReady` runs on the loop thread once the sockets are
    /// bound, with the real endpoints (a `*` port resolved; the log endpoint nil without a log bus).
    public static func service(
        configuration: DispatcherConfiguration, logger: Logger,
        onReady: @escaping @Sendable (_ clientEndpoint: String, _ workerEndpoint: String, _ logEndpoint: String?) -> Void = { _, _, _ in }
    ) -> some Service {
        DedicatedThreadService(name: "chungtay-dispatcher") { shouldStop in
            let dispatcher = try Dispatcher(
                configuration: configuration, storage: try DispatcherStorage.open(configuration.dataDirectory, logger: logger),
                clock: SystemClock(), context: try ZMQContext(), logger: logger)
            onReady(dispatcher.boundClientEndpoint, dispatcher.boundWorkerEndpoint, dispatcher.boundLogEndpoint)
            dispatcher.run(shouldStop: shouldStop)
        }
    }
}
