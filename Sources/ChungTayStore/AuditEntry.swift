#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import ChungTayCoding

/// One line of the audit trail as `chungtay audit` reads it back.
public struct AuditEntry: Sendable {
    /// The line as stored, without its newline (what `--json` prints).
    public let line: [UInt8]
    public let object: JSONObject
    /// RFC 3339 UTC with milliseconds: every writer spells it the same way, so times
    /// compare as text.
    public let time: String
    public let event: String

    /// The line's batch, if it names one.
    public var batch: String? {
        if case .string(let batch)? = object["batch"] { return batch }
        return nil
    }

    /// Nil when the line is not an object with string `time` and `event` (a line torn by
    /// a crash mid-write).
    public init?(line: [UInt8]) {
        guard case .object(let object)? = try? JSONValue(parsing: line),
              case .string(let time)? = object["time"], case .string(let event)? = object["event"]
        else { return nil }
        self.line = line
        self.object = object
        self.time = time
        self.event = event
    }

    /// Longest line read; past it the rest of the line is skipped as torn, so a damaged
    /// file without newlines cannot make the reader hold all of it.
    public static let maxLineLength = 16 << 20

    /// Calls `body` with every whole entry of the trail at `path`, in file order, and
    /// returns how many lines were torn (a last line without its newline, or a line that
    /// is not an entry: a writer killed mid-line, whose line the next writer ended). A
    /// missing file is an empty trail.
    public static func scan(path: String, _ body: (AuditEntry) throws -> Void) throws -> Int {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0, errno == ENOENT { return 0 }
        guard descriptor >= 0 else { throw StoreError.errno("open", path) }
        defer { close(descriptor) }
        var torn = 0
        var pending: [UInt8] = []
        var skipping = false
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw StoreError.errno("read", path) }
            if count == 0 { break }
            var start = 0
            for index in 0..<count where chunk[index] == UInt8(ascii: "\n") {
                if !skipping {
                    pending.append(contentsOf: chunk[start..<index])
                    if !pending.isEmpty {
                        if let entry = AuditEntry(line: pending) { try body(entry) } else { torn += 1 }
                    }
                }
                pending.removeAll(keepingCapacity: true)
                skipping = false
                start = index + 1
            }
            if !skipping { pending.append(contentsOf: chunk[start..<count]) }
            if pending.count > maxLineLength {
                if !skipping { torn += 1 }
                skipping = true
                pending.removeAll()
            }
        }
        if !pending.isEmpty { torn += 1 }
        return torn
    }
}
