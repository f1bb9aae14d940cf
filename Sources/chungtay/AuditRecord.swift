import ArgumentParser
import ChungTayStore
import Foundation

/// A line the CLI itself adds to a data directory's audit trail (an export, a print, a
/// backup, a restore; `members` name the OS user who ran it first), fsynced before the
/// command goes on: a copy of personal data that cannot be recorded is not made.
enum AuditRecord {
    static func append(
        _ event: AuditEvent, _ members: KeyValuePairs<String, AuditLine.Value>, in directory: DataDirectory, refusing what: String
    ) throws {
        do {
            let trail = try AuditTrail(directory: directory)
            var line: [UInt8] = []
            AuditLine.append(to: &line, time: AuditLine.time(Date()), event: event, members)
            try trail.append(line)
            try trail.sync()
        } catch {
            StandardStreams.error("chungtay: cannot record it in the audit trail, so nothing was \(what): \(error)\n")
            throw ExitCode(CLIExit.jobFailed.rawValue)
        }
    }
}
