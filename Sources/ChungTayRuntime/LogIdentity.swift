public import ChungTayWire
import Foundation

/// Who writes a process's log records: its role, its worker name (for workers) and host.
public struct LogIdentity: Sendable {
    public var role: LogRecord.Role
    public var worker: String?
    public var host: String

    public init(role: LogRecord.Role, worker: String? = nil, host: String = LogIdentity.hostName) {
        self.role = role
        self.worker = worker
        self.host = host
    }

    /// This machine's name as the operating system reports it.
    public static var hostName: String { ProcessInfo.processInfo.hostName }
}
