import Foundation
import Testing

extension SystemTests {
    /// `submit` given input it cannot read (a directory, on standard input or as the file)
    /// exits 2 and says why, instead of trapping in Foundation's `readData(ofLength:)`, whose
    /// failure is a crash; the dispatcher is untouched and the same command with readable
    /// input submits.
    @Test func submitOfUnreadableInputExitsWithUsageAndAMessage() throws {
        let sandbox = try Sandbox("unreadable-input")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let client = dispatcher.clientEndpoint
        let directory = sandbox.root.appendingPathComponent("not-a-file")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fromDirectory = ["/bin/sh", "-c", #"exec "$0" "$@" <"$CT_INPUT""#]
        let cases: [(arguments: [String], launcher: [String], message: String)] = [
            (["submit", "system.echo", "-"], fromDirectory, "chungtay: cannot read standard input: Is a directory\n"),
            (["submit", "system.echo", "-", "--lines"], fromDirectory,
             "chungtay: cannot read standard input: Is a directory (lines submitted before it failed: 0)\n"),
            (["submit", "system.echo", directory.path], [], "chungtay: cannot read \(directory.path): Is a directory\n"),
            (["submit", "system.echo", directory.path, "--lines", "--wait"], [],
             "chungtay: cannot read \(directory.path): Is a directory (lines submitted before it failed: 0)\n"),
        ]
        for (arguments, launcher, message) in cases {
            let result = try sandbox.cli(arguments + ["--connect", client, "--timeout", "20"],
                                         environment: ["CT_INPUT": directory.path], launcher: launcher)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr == message, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }
        let payload = try sandbox.writeFile("payload.json", #"{"n":1}"#)
        let submitted = try sandbox.cli(["submit", "system.echo", "-", "--connect", client, "--timeout", "20"], stdin: payload)
        #expect(submitted.status == 0, "\(submitted)")
        #expect(try jobIds(submitted).count == 1, "\(submitted)")
        #expect(dispatcher.process.isRunning)
    }
}
