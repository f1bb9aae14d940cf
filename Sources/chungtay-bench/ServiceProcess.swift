#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// One incarnation of a `chungtay` process started by a reliability run: its standard
/// output and error go to files under the run's log directory (a kill -9 leaves them
/// whole for the post-mortem), and it can be killed hard or stopped gracefully.
final class ServiceProcess {
    let name: String
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    /// Starts `chungtay ARGUMENTS`; `name` names the log files (`NAME.out`, `NAME.log`).
    /// A `launcher` runs it through a command that execs it, such as `ip netns exec NS`
    /// (so the pid, and every signal sent to it, is still the service's own).
    init(_ name: String, binary: URL, arguments: [String], logs: URL, launcher: [String] = []) throws {
        self.name = name
        stdoutPath = logs.appendingPathComponent(name + ".out").path
        stderrPath = logs.appendingPathComponent(name + ".log").path
        for path in [stdoutPath, stderrPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        if let command = launcher.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(launcher.dropFirst()) + [binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The exit status, or nil while running or when a signal ended it.
    var exitStatus: Int32? {
        guard !process.isRunning, process.terminationReason == .exit else { return nil }
        return process.terminationStatus
    }

    var standardOutput: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) {
        if process.isRunning { _ = Glibc.kill(pid, number) }
    }

    /// kill -9, and waits until it is gone.
    func kill() {
        if process.isRunning { _ = Glibc.kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM (a graceful drain), then kill -9 if it is still there after `grace`.
    func stop(grace: Duration = .seconds(30)) {
        guard process.isRunning else { return }
        _ = Glibc.kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        kill()
    }

    /// Waits for the process to end, up to `limit`; true when it did.
    func waitForExit(_ limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return !process.isRunning
    }

    /// CPU time (user + system) so far, from /proc/PID/stat, in seconds.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": field 3 is the state; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
