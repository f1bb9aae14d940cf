import ChungTayRuntime
public import Logging
public import ServiceLifecycle

extension Dispatcher {
    /// The dispatcher as a lifecycle service. `onReady` runs on the loop thread once the
    /// sockets are bound, with the real endpoints (a `*` port resolved).
    public static func service(
        configuration: DispatcherConfiguration, logger: Logger,
        onReady: @escaping @Sendable (_ clientEndpoint: String, _ workerEndpoint: String) -> Void = { _, _ in }
    ) -> some Service {
        DedicatedThreadService(name: "chungtay-dispatcher") { shouldStop in
            let dispatcher = try Dispatcher(configuration: configuration, logger: logger)
            onReady(dispatcher.boundClientEndpoint, dispatcher.boundWorkerEndpoint)
            dispatcher.run(shouldStop: shouldStop)
        }
    }
}
