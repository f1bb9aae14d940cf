import Dispatch
import Foundation
import Synchronization

/// Answers libzmq's authentication requests (ZAP, RFC 27) for one context
/// with the verdict of `authorize`; an admitted peer's user id reaches every
/// message it sends as the `User-Id` property (``ReceivedMessage/userId``).
///
/// libzmq asks whatever REP socket is bound at `inproc://zeromq.zap.01` in the
/// server socket's context, and a context has at most one. While nothing is
/// bound there, libzmq admits every CURVE client that knows the server key,
/// so keep the handler alive for as long as the server sockets it guards.
///
/// The REP socket lives on a dedicated thread because libzmq sockets are
/// single-threaded and the handshake it serves must not wait on the caller.
/// That thread stops on ``stop()``, on deinit, or on ``ZMQContext/shutdown()``.
public final class ZAPHandler: Sendable {
    static let endpoint = "inproc://zeromq.zap.01"
    /// Unique per context because the ZAP endpoint is.
    static let stopEndpoint = "inproc://zeromq.zap.01.stop"

    private let context: ZMQContext
    private let isStopped = Atomic<Bool>(false)
    private let serving: Serving
    private let finished = DispatchSemaphore(value: 0)

    /// Returns once the handler is bound, so clients connecting afterwards are
    /// authenticated; throws if binding failed, for example EADDRINUSE when
    /// the context already has a handler.
    public init(context: ZMQContext, authorize: @escaping @Sendable (ZAPRequest) -> ZAPVerdict) throws(ZMQError) {
        self.context = context
        let startup = StartupReport()
        let finished = self.finished
        let serving = Serving()
        self.serving = serving
        let thread = Thread {
            Self.serve(context: context, authorize: authorize, startup: startup)
            serving.flag.store(false, ordering: .releasing)
            finished.signal()
        }
        thread.name = "zeromq.zap"
        thread.start()
        if let error = startup.wait() {
            isStopped.store(true, ordering: .relaxed)
            throw error
        }
    }

    /// Whether the handler still answers. Once its thread has ended (stopped, the context
    /// shut down, or an error) nothing answers for the server sockets, so a server that
    /// still has them open must stop: libzmq would admit every CURVE client.
    public var isServing: Bool { serving.flag.load(ordering: .acquiring) }

    /// Idempotent; returns once the handler's sockets are closed. Must not be
    /// called from `authorize`, which runs on the handler's thread.
    public func stop() {
        guard !isStopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        signalStop()
        finished.wait()
    }

    deinit {
        stop()
    }

    /// Errors are ignored because the only way to fail here is a context that
    /// is already shut down, and then the handler thread has seen ETERM and is
    /// exiting by itself.
    private func signalStop() {
        guard let socket = try? ZMQSocket(context: context, type: .pair) else { return }
        try? socket.connect(Self.stopEndpoint)
        _ = try? socket.trySend([[]])
        socket.close()
    }

    private static func serve(
        context: ZMQContext,
        authorize: @Sendable (ZAPRequest) -> ZAPVerdict,
        startup: StartupReport
    ) {
        let requests: ZMQSocket
        let stopSignal: ZMQSocket
        do {
            requests = try ZMQSocket(context: context, type: .rep)
            try requests.bind(endpoint)
            stopSignal = try ZMQSocket(context: context, type: .pair)
            try stopSignal.bind(stopEndpoint)
        } catch {
            startup.report(error)
            return
        }
        startup.report(nil)
        answer(requests, until: stopSignal, authorize: authorize)
        requests.close()
        stopSignal.close()
    }

    /// Returns on the stop signal or on any error; the only error expected
    /// here is ETERM from a context shutdown.
    private static func answer(
        _ requests: ZMQSocket,
        until stopSignal: ZMQSocket,
        authorize: @Sendable (ZAPRequest) -> ZAPVerdict
    ) {
        var poller = ZMQPoller()
        let requestIndex = poller.add(requests)
        let stopIndex = poller.add(stopSignal)
        do {
            while true {
                let ready = try poller.poll(timeoutMilliseconds: -1)
                if ready[stopIndex].contains(.readable) { return }
                guard ready[requestIndex].contains(.readable),
                      let request = try requests.receive(dontWait: true)
                else { continue }
                try requests.send(reply(to: request, authorize: authorize))
            }
        } catch {
            return
        }
    }

    /// A REP socket must answer every request, so malformed ones get a 500
    /// rather than silence, which would wedge the handshake.
    static func reply(to frames: [[UInt8]], authorize: (ZAPRequest) -> ZAPVerdict) -> [[UInt8]] {
        let requestID = frames.count > 1 ? frames[1] : []
        let (status, text, userId) =
            switch ZAPRequest(frames: frames).map(authorize) {
            case .allow(let userId)?: ("200", "OK", userId)
            case .deny?: ("400", "Unauthorized", "")
            case nil: ("500", "Malformed ZAP request", "")
            }
        return [Array("1.0".utf8), requestID, Array(status.utf8), Array(text.utf8), Array(userId.utf8), []]
    }
}

/// True from the handler's start until its thread ends; a class so the thread's closure
/// can hold it before `self` is complete.
private final class Serving: Sendable {
    let flag = Atomic<Bool>(true)
}

/// Hands the handler thread's bind result back to `ZAPHandler.init`, so a
/// failed bind throws where the handler was asked for.
private final class StartupReport: Sendable {
    private let error = Mutex<ZMQError?>(nil)
    private let reported = DispatchSemaphore(value: 0)

    func report(_ error: ZMQError?) {
        self.error.withLock { $0 = error }
        reported.signal()
    }

    func wait() -> ZMQError? {
        reported.wait()
        return error.withLock { $0 }
    }
}
