#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import Testing

extension SystemTests {
    /// sd_notify as systemd's `Type=notify` units (deploy/systemd) rely on it: the real
    /// dispatcher and worker, given `NOTIFY_SOCKET`, send READY=1 once serving and, after
    /// SIGTERM, STOPPING=1 before they exit 0. The test plays the service manager: it binds the
    /// datagram socket, by path for the dispatcher and in the abstract namespace (`@name`) for
    /// the worker, and takes each message's sender from its credentials, as systemd does to
    /// accept only the main process's (`NotifyAccess=main`).
    @Suite struct ServiceManagerNotificationTests {
        @Test func dispatcherAndWorkerReportReadyAndStopping() throws {
            let sandbox = try Sandbox("notify")
            defer { sandbox.close() }
            let dispatcherSocket = try NotifySocket(name: sandbox.root.appendingPathComponent("notify.sock").path)
            defer { dispatcherSocket.release() }
            // `env` execs the dispatcher in place, so the pid the harness knows is the sender's.
            let dispatcher = try sandbox.startDispatcher(launcher: ["/usr/bin/env", "NOTIFY_SOCKET=\(dispatcherSocket.name)"])
            let ready = try dispatcherSocket.waitFor("READY=1", from: dispatcher.process, sandbox: sandbox)
            #expect(ready.contains("STATUS=serving: clients \(dispatcher.clientEndpoint), workers \(dispatcher.workerEndpoint)"), "\(ready)")

            let workerSocket = try NotifySocket(name: "@chungtay-systest-\(UUID().uuidString.prefix(8))")
            defer { workerSocket.release() }
            let worker = try sandbox.spawn("worker-N", [
                "worker", "--connect", dispatcher.workerEndpoint, "--kinds", "system.echo", "--name", "N", "--heartbeat-ms", "1000",
            ], environment: ["NOTIFY_SOCKET": workerSocket.name])
            try workerSocket.waitFor("READY=1", from: worker, sandbox: sandbox)
            try sandbox.waitForWorker("N", endpoint: dispatcher.clientEndpoint)

            // systemd's stop order on one host: the worker (After= the dispatcher) first.
            for (child, socket) in [(worker, workerSocket), (dispatcher.process, dispatcherSocket)] {
                child.signal(SIGTERM)
                let stopping = try socket.waitFor("STOPPING=1", from: child, sandbox: sandbox)
                #expect(stopping.contains("STATUS=draining"), "\(stopping)")
                #expect(child.waitForExit(timeout: .seconds(60)), "\(child.name) did not exit after SIGTERM\n\(sandbox.logs())")
                #expect(child.exitStatus == 0, "\(child.name): \(child.exitDescription)\n\(sandbox.logs())")
            }
            #expect(!worker.stderr.contains("service manager not notified"), "\(worker.stderr)")
        }

        /// A NOTIFY_SOCKET that names nothing (the manager gone) must not stop the service:
        /// the dispatcher still serves and still drains to exit 0.
        @Test func missingNotifySocketIsIgnored() throws {
            let sandbox = try Sandbox("notify-missing")
            defer { sandbox.close() }
            let missing = sandbox.root.appendingPathComponent("no-such.sock").path
            let dispatcher = try sandbox.startDispatcher(launcher: ["/usr/bin/env", "NOTIFY_SOCKET=\(missing)"])
            _ = try sandbox.status(dispatcher.clientEndpoint)  // it answers
            dispatcher.process.signal(SIGTERM)
            #expect(dispatcher.process.waitForExit(timeout: .seconds(60)), "\(sandbox.logs())")
            #expect(dispatcher.process.exitStatus == 0, "\(dispatcher.process.exitDescription)\n\(sandbox.logs())")
        }
    }
}

/// The service manager's end of sd_notify: a bound AF_UNIX datagram socket that receives each
/// message with its sender's credentials (SO_PASSCRED).
private final class NotifySocket {
    /// As `NOTIFY_SOCKET` names it: a path, or `@` and an abstract name.
    let name: String
    private let descriptor: Int32
    private var received: [(pid: pid_t, text: String)] = []

    init(name: String) throws {
        self.name = name
        #if canImport(Glibc)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        descriptor = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)
        #endif
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var on: Int32 = 1
        guard setsockopt(descriptor, SOL_SOCKET, SO_PASSCRED, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw HarnessError("SO_PASSCRED: \(String(cString: strerror(errno)))")
        }
        // Receives time out after 100 ms, so waits can give up.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(name.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw HarnessError("bind \(name): \(String(cString: strerror(errno)))") }
    }

    func release() {
        close(descriptor)
        if !name.hasPrefix("@") { unlink(name) }
    }

    /// Waits (up to 60 s) for a message from `child`'s pid holding the line `assignment`;
    /// returns the message's lines. A message from another pid is recorded as an issue.
    @discardableResult
    func waitFor(_ assignment: String, from child: ChildProcess, sandbox: Sandbox) throws -> [String] {
        try sandbox.eventually("\(assignment) from \(child.name) on \(name)", timeout: .seconds(60), interval: .milliseconds(1)) { () -> [String]? in
            if let message = received.first(where: { $0.pid == child.pid && $0.text.split(separator: "\n").contains(Substring(assignment)) }) {
                return message.text.split(separator: "\n").map(String.init)
            }
            if let message = receive() {
                if message.pid != child.pid { Issue.record("message from pid \(message.pid), not \(child.name)'s \(child.pid): \(message.text)") }
                received.append(message)
            }
            return nil
        }
    }

    /// One datagram and its sender's pid, or nil when none came within the receive timeout.
    private func receive() -> (pid: pid_t, text: String)? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Room for one SCM_CREDENTIALS message (a cmsghdr and a ucred, aligned), with margin.
        var control = [UInt8](repeating: 0, count: 64)
        return buffer.withUnsafeMutableBytes { bytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var header = msghdr()
                    header.msg_iov = vectorPointer
                    header.msg_iovlen = 1
                    header.msg_control = controlBytes.baseAddress
                    header.msg_controllen = controlBytes.count
                    let count = recvmsg(descriptor, &header, 0)
                    guard count >= 0 else { return nil }
                    var pid: pid_t = 0
                    let headerSize = MemoryLayout<cmsghdr>.size
                    if header.msg_controllen >= headerSize {
                        let cmsg = controlBytes.load(as: cmsghdr.self)
                        // SCM_CREDENTIALS (2), whose data is a struct ucred: the pid first. Neither is
                        // imported from glibc without _GNU_SOURCE.
                        if cmsg.cmsg_level == SOL_SOCKET, cmsg.cmsg_type == 2 {
                            pid = controlBytes.load(fromByteOffset: headerSize, as: pid_t.self)
                        }
                    }
                    return (pid, String(decoding: bytes.prefix(count), as: UTF8.self))
                }
            }
        }
    }
}
