#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import Logging
public import ServiceLifecycle

/// Tells the service manager (systemd) where the process stands: serving (`READY=1`),
/// shutting down (`STOPPING=1`), and a line for `systemctl status` (`STATUS=`).
///
/// The units in `deploy/systemd` are `Type=notify`: systemd counts the dispatcher as started
/// only when it says READY=1, i.e. once its data directory has passed the start-up checks and
/// its endpoints are bound, not merely once the binary was exec'd. So `systemctl start`
/// returns (and fails) when the service really is up (or is not), and units ordered after
/// it start then. STOPPING=1 shows the unit as "deactivating" from the first moment of a
/// drain instead of looking like a hang.
///
/// This is sd_notify(3)'s protocol without libsystemd (one C dependency less, and none that a
/// static build or a container image must carry): newline-separated `KEY=VALUE` lines in one
/// datagram to the `AF_UNIX` socket named by `$NOTIFY_SOCKET`, a leading `@` naming the
/// abstract namespace. Without the variable (not started by systemd, or a unit not of
/// `Type=notify`) nothing is sent. Nothing here ever stops the process: a socket that is
/// missing or refuses the datagram is logged at debug level and otherwise ignored, because
/// a queue that runs unsupervised is worth more than one that exits over its supervisor's
/// socket (systemd notices a READY=1 that never came by its own start timeout).
public enum ServiceManagerNotification {
    /// READY=1 with a status line.
    public static func ready(status: String, logger: Logger) {
        send(["READY=1", "STATUS=" + status], logger: logger)
    }

    /// STOPPING=1: a graceful shutdown (the drain) has begun.
    public static func stopping(logger: Logger) {
        send(["STOPPING=1", "STATUS=draining"], logger: logger)
    }

    /// Sends `assignments` (each `KEY=VALUE`, no newline inside) as one datagram; true when
    /// the service manager's socket took it, false when there is none or sending failed.
    @discardableResult
    public static func send(_ assignments: [String], logger: Logger) -> Bool {
        guard let variable = getenv("NOTIFY_SOCKET") else { return false }
        let name = String(cString: variable)
        let message = assignments.joined(separator: "\n")
        #if canImport(Glibc) || canImport(Musl)
        if let problem = deliver(Array(message.utf8), to: name) {
            logger.debug("service manager not notified", metadata: ["socket": "\(name)", "problem": "\(problem)", "message": "\(message)"])
            return false
        }
        return true
        #else
        return false
        #endif
    }

    #if canImport(Glibc) || canImport(Musl)
    /// Sends one datagram to the socket `name` names; the problem when it could not.
    private static func deliver(_ message: [UInt8], to name: String) -> String? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(name.utf8)
        // sd_notify also accepts vsock: addresses (VMs); a ChungTay unit never gets one.
        guard let first = path.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else {
            return "not a filesystem or abstract socket name"
        }
        let abstract = first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // A path needs room for its terminating NUL; an abstract name has none and uses all of it.
        guard path.count <= (abstract ? capacity : capacity - 1) else { return "socket name longer than \(capacity) bytes" }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        // The length counts exactly the name's bytes: for an abstract name every byte, NULs too, is the name.
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (abstract ? 0 : 1))

        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)
        #endif
        guard descriptor >= 0 else { return "socket: \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        let sent = message.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        guard sent == message.count else { return sent < 0 ? "sendto: \(String(cString: strerror(errno)))" : "sendto: short write" }
        return nil
    }
    #endif

    /// A lifecycle service that reports the process's life to the service manager: READY=1
    /// when it starts (when given a `readyStatus`), and STOPPING=1 the moment graceful
    /// shutdown (SIGTERM, SIGINT) begins; then it ends.
    ///
    /// List it **last** in its `ServiceGroup`: the group tells its services to shut down one at
    /// a time in reverse order and waits for each, so only the last one hears of the signal at
    /// once (the dispatcher's own service hears of it only after the others have stopped).
    /// Anywhere else it would end before its turn, which the group takes for a failure.
    public struct Reporter: Service {
        let readyStatus: String?
        let logger: Logger

        /// `readyStatus` nil: READY=1 is sent elsewhere (the dispatcher sends it with its ready line).
        public init(readyStatus: String?, logger: Logger) {
            self.readyStatus = readyStatus
            self.logger = logger
        }

        public func run() async {
            if let readyStatus { ServiceManagerNotification.ready(status: readyStatus, logger: logger) }
            // Cancelled instead (a service failed): the process is going down anyway, not draining.
            guard (try? await gracefulShutdown()) != nil else { return }
            ServiceManagerNotification.stopping(logger: logger)
        }
    }
}
