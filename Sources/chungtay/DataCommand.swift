import ArgumentParser
import ChungTayCoding
import ChungTayStore
import ChungTayWire
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Check, back up and restore a dispatcher's data directory.",
        subcommands: [Check.self, Backup.self, Restore.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
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

        @OptionGroup var data: DataDirectoryOption
        @Flag(help: "Print a machine-readable JSON report.") var json = false
        @Flag(help: "Apply the repairs that are provably safe, then check again.") var repair = false

        func run() throws {
            let directory = try data.directory()
            let path = directory.root.path
            do {
                guard try directory.lock() else {
                    StandardStreams.error("chungtay: \(path) is in use by a running dispatcher (lock \(directory.lockPath) is held); stop it before checking\n")
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
                StandardStreams.error("chungtay: \(error)\n")
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

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Copy a data directory, safely beside its running dispatcher.",
            discussion: """
                Writes a new directory OUT that `data restore` puts in place as a data directory: \
                the journal as of one commit, taken with SQLite's online backup while the dispatcher goes on; \
                the delivery ledger, copied before the journal; every result and payload segment that journal \
                copy needs, cut at the end it committed; the audit trail up to its last whole line; and \
                BACKUP.json, listing every file and its size. The copy is checked against its journal before \
                it is kept, and it appears under OUT only once whole and fsynced (until then it is OUT.partial).

                Restored, it is the dispatcher as it was at that commit: jobs accepted later are not in it \
                (have clients submit them again: a batch submitted again under its name resumes), and \
                notifications delivered after the ledger was copied are delivered again.

                The backup is recorded in the directory's audit trail (`data.backedUp`) before anything is \
                copied. Take it as the dispatcher's user, or as root: the copy is readable by its owner only.

                Exit codes: 0 the backup is whole, 1 it failed (OUT.partial is removed; OUT.partial left by \
                another backup makes it refuse), 2 usage error.
                """)

        @OptionGroup var data: DataDirectoryOption
        @Option(help: "The backup directory to create; it must not exist.") var out: String
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() throws {
            let directory = try data.directory()
            let destination = URL(fileURLWithPath: out)
            try AuditRecord.append(.dataBackedUp, ["user": .string(InputFingerprint.submitter), "output": .string(destination.path)],
                                   in: directory, refusing: "backed up")
            do {
                let summary = try DataDirectoryBackup(source: directory, destination: destination).run()
                if json {
                    print(#"{"backup":"# + JSONText.quoted(destination.path) + #","files":\#(summary.files),"bytes":\#(summary.bytes),"payloadSegmentsLeftOut":\#(summary.payloadSegmentsLeftOut)}"#)
                } else {
                    print("backed up \(directory.root.path) to \(destination.path): \(summary.files) files, \(summary.bytes) bytes"
                        + (summary.payloadSegmentsLeftOut > 0 ? "; \(summary.payloadSegmentsLeftOut) payload segments no job needs left out" : ""))
                }
            } catch {
                StandardStreams.error("chungtay: backup failed: \(error)\n")
                throw ExitCode(CLIExit.jobFailed.rawValue)
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Put a backup in place as a data directory.",
            discussion: """
                Checks that every file BACKUP.json lists is in the backup with its size, copies them to \
                DATA_DIR.partial, checks the copy against its journal (as `data check` does) and renames it to \
                the data directory, which must not exist or be empty. The backup itself is left as it was. \
                Then start the dispatcher on the data directory. Restored as root into an empty directory \
                another user owns (a service manager's), the files are given to that user. The outbox's next \
                ids are moved past those the lost dispatcher may have handed out; job and batch ids are not: \
                a job id a client got after the backup names another job (the client submits again with its \
                idempotency key). The restore is recorded in the restored trail (`data.restored`).

                Exit codes: 0 restored, 1 the backup is incomplete or damaged (nothing is left in the data \
                directory), 2 usage error.
                """)

        @Option(help: "The backup directory (`data backup --out`).") var from: String
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let target = DataDirectory(root: URL(fileURLWithPath: try data.path()))
            let manifest: BackupManifest
            do {
                manifest = try DataDirectoryRestore(backup: URL(fileURLWithPath: from), destination: target).run()
            } catch {
                StandardStreams.error("chungtay: restore failed: \(error)\n")
                throw ExitCode(CLIExit.jobFailed.rawValue)
            }
            try AuditRecord.append(.dataRestored, [
                "user": .string(InputFingerprint.submitter), "takenAt": .string(manifest.takenAt), "source": .string(manifest.source),
            ], in: target, refusing: "left unrecorded (the directory is restored)")
            print("restored the backup taken at \(manifest.takenAt) of \(manifest.source) to \(target.root.path): \(manifest.files.count) files")
        }
    }
}

