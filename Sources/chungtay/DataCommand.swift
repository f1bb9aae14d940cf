import ArgumentParser
import ChungTayCoding
import ChungTayStore
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Inspect a dispatcher's data directory.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a stopped data directory against its journal.",
            discussion: """
                Checks that every journal row is readable, every segment file is known to the journal \
                and at least as long as its committed end, every keys file indexes committed documents \
                only (whole entries, at line starts), and every result, summary and queued or dead job's \
                payload lies inside committed bytes. Prints one line per problem (FILE: CODE: message), \
                or a JSON report with --json. A problem marked "refuses start" stops the dispatcher from \
                starting until it is resolved.

                --repair does only what is provably safe: cuts bytes past a segment's committed end, cuts \
                a keys file to its valid whole entries, deletes payload segments no queued or dead job \
                needs (except the newest). It never cuts or deletes committed data.

                The directory's lock is taken for the check: while a dispatcher runs on it, the check \
                refuses (exit 1). Exit codes: 0 clean (after repairs, with --repair), 1 problems remain \
                or the directory is in use, 2 usage error (no data directory there).
                """)

        @Option(help: "The data directory (CHUNGTAY_DATA_DIR).") var dataDir: String?
        @OptionGroup var settings: SettingsOptions
        @Flag(help: "Print a machine-readable JSON report.") var json = false
        @Flag(help: "Apply the repairs that are provably safe, then check again.") var repair = false

        func run() throws {
            let setting = try SettingsReader.resolve(settings, flags: [.init("data.dir", "--data-dir", dataDir)]) { try await $0.string("data.dir") }
            guard let path = setting else {
                throw ValidationError("give the data directory with --data-dir DIR")
            }
            let directory = DataDirectory(root: URL(fileURLWithPath: path))
            guard FileManager.default.fileExists(atPath: directory.journalPath) else {
                throw ValidationError("\(path) holds no journal.sqlite: not a dispatcher's data directory")
            }
            do {
                guard try directory.lock() else {
                    FileHandle.standardError.write(Data("chungtay: \(path) is in use by a running dispatcher (lock \(directory.lockPath) is held); stop it before checking\n".utf8))
                    throw ExitCode(CLIExit.jobFailed.rawValue)
                }
                let journal = try JobJournal(path: directory.journalPath)
                let check = DataDirectoryCheck(directory: directory, thorough: true)
                var problems = try check.run(journal: journal)
                var repaired: [DataProblem] = []
                if repair {
                    for problem in problems {
                        guard let action = problem.repair else { continue }
                        try action.apply()
                        repaired.append(problem)
                    }
                    if !repaired.isEmpty { problems = try check.run(journal: journal) }
                }
                print(json ? Self.report(path: path, problems: problems, repaired: repaired) : Self.text(problems: problems, repaired: repaired))
                if !problems.isEmpty { throw ExitCode(CLIExit.jobFailed.rawValue) }
            } catch let error as StoreError {
                FileHandle.standardError.write(Data("chungtay: \(error)\n".utf8))
                throw ExitCode(CLIExit.jobFailed.rawValue)
            }
        }

        static func text(problems: [DataProblem], repaired: [DataProblem]) -> String {
            var lines = repaired.map { "repaired \($0.file): \($0.code.rawValue): \($0.repair.map { "\($0)" } ?? "")" }
            lines += problems.map { problem in
                problem.description + (problem.blocksStart ? " (refuses start)" : "")
                    + (problem.repair.map { " [--repair: \($0)]" } ?? "")
            }
            if problems.isEmpty { lines.append("clean") }
            return lines.joined(separator: "\n")
        }

        /// Members in alphabetical order, so the report's bytes are the same on every run.
        static func report(path: String, problems: [DataProblem], repaired: [DataProblem]) -> String {
            func entry(_ problem: DataProblem) -> JSONValue {
                .object(JSONObject([
                    .init(key: "blocksStart", value: .bool(problem.blocksStart)),
                    .init(key: "code", value: .string(problem.code.rawValue)),
                    .init(key: "file", value: .string(problem.file)),
                    .init(key: "message", value: .string(problem.message)),
                    .init(key: "repair", value: problem.repair.map { .string("\($0)") } ?? .null),
                ]))
            }
            var writer = JSONWriter()
            writer.value(.object(JSONObject([
                .init(key: "clean", value: .bool(problems.isEmpty)),
                .init(key: "dataDir", value: .string(path)),
                .init(key: "problems", value: .array(problems.map(entry))),
                .init(key: "repaired", value: .array(repaired.map(entry))),
            ])))
            return String(decoding: writer.finish(), as: UTF8.self)
        }
    }
}
