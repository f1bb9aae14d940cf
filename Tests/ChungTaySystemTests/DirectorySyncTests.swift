import Foundation
import Testing

/// Directories created (`mkdir`) by the traced processes, and directories fsynced, each
/// with the position of its line in an `strace -f` log.
struct DirectoryTrace {
    var created: [(path: String, line: Int)] = []
    var synced: [(path: String, line: Int)] = []

    init(_ text: String) {
        var open: [String: String] = [:]
        for (number, line) in text.split(separator: "\n").enumerated() {
            let pid = String(line.prefix { $0 != " " })
            if let path = Self.quoted(line, after: "mkdir("), line.hasSuffix("= 0") {
                created.append((path, number))
            } else if line.contains("O_DIRECTORY"), let path = Self.quoted(line, after: "openat(AT_FDCWD, "),
                      let fd = line.split(separator: "= ").last.flatMap({ Int($0.prefix { $0.isNumber }) }) {
                open[pid + ":" + String(fd)] = path
            } else if let start = line.range(of: "fsync(")?.upperBound, line.hasSuffix("= 0") {
                let fd = String(line[start...].prefix { $0.isNumber })
                if let path = open[pid + ":" + fd] { synced.append((path, number)) }
            }
        }
    }

    private static func quoted(_ line: Substring, after marker: String) -> String? {
        guard let start = line.range(of: marker + "\"")?.upperBound else { return nil }
        return String(line[start...].prefix { $0 != "\"" })
    }

    /// Created directories whose parent was not fsynced after the `mkdir`.
    var unsynced: [String] {
        created.filter { directory in
            let parent = URL(fileURLWithPath: directory.path).deletingLastPathComponent().path
            return !synced.contains { $0.path == parent && $0.line > directory.line }
        }.map(\.path)
    }
}

extension SystemTests {
    /// A directory's entry is durable only once its parent is fsynced: the dispatcher does
    /// that for the data directory, `store/`, `store/KIND/`, `payloads/` and `payloads/jobs/`.
    @Test func newDirectoriesAreFsyncedInTheirParents() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            print("skipped: no /usr/bin/strace to watch the dispatcher's mkdir and fsync calls")
            return
        }
        let sandbox = try Sandbox("dirsync")
        defer { sandbox.close() }
        let trace = sandbox.root.appendingPathComponent("strace.txt")
        let dispatcher = try sandbox.startTracedDispatcher(calls: "mkdir,mkdirat,openat,fsync", trace: trace)
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint)
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(3))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--wait", "--connect", dispatcher.clientEndpoint])
        #expect(submitted.status == 0, "\(submitted)")

        let directories = DirectoryTrace(try String(contentsOf: trace, encoding: .utf8))
        let data = sandbox.dataDir.path
        let expected = [data, data + "/store", data + "/store/system.echo", data + "/payloads", data + "/payloads/jobs"]
        #expect(Set(expected).isSubset(of: directories.created.map(\.path)), "\(directories.created.map(\.path))")
        #expect(directories.unsynced.isEmpty, "created without an fsync of the parent: \(directories.unsynced)")
    }
}
