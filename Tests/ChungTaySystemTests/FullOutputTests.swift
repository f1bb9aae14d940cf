import Foundation
import Testing

extension SystemTests {
    /// Standard output or standard error on a full disk (`/dev/full`). A command whose output
    /// is its answer exits 1 and says why, instead of trapping in `FileHandle.write(_:)`, or
    /// (text written with `print`) ending with 0 and its output lost; a dispatcher whose log
    /// lines cannot be written goes on serving.
    @Test func fullStandardStreamsEndCommandsCleanlyAndLeaveTheDispatcherRunning() throws {
        let sandbox = try Sandbox("full-output")
        defer { sandbox.close() }
        // Every log line it writes fails; before, the first one trapped.
        let dispatcher = try sandbox.startDispatcher(launcher: ["/bin/sh", "-c", #"exec "$0" "$@" 2>/dev/full"#])
        let toFullDisk = ["/bin/sh", "-c", #"exec "$0" "$@" >/dev/full"#]
        for arguments in [["status", "--json", "--connect", dispatcher.clientEndpoint],
                          ["status", "--connect", dispatcher.clientEndpoint],
                          ["logs", "--tail", "10", "--connect", dispatcher.logEndpoint]] {
            let result = try sandbox.cli(arguments, launcher: toFullDisk)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("cannot write standard output"), "\(result)")
        }
        let status = try sandbox.cli(["status", "--json", "--connect", dispatcher.clientEndpoint])
        #expect(status.status == 0, "\(status)")
        #expect(dispatcher.process.isRunning)
    }
}
