/// Majordomo Protocol 7/MDP version 0.1 (rfc.zeromq.org/spec/7) and its service
/// discovery extension 8/MMI, so that any MDP client or worker library can use ChungTay.
///
/// Frames here are those after the ROUTER envelope (routing id and empty delimiter).
public enum Majordomo {
    public static let clientHeader: [UInt8] = Array("MDPC01".utf8)
    public static let workerHeader: [UInt8] = Array("MDPW01".utf8)
    /// Services whose names start with this prefix are answered by the broker itself (8/MMI).
    public static let mmiPrefix = "mmi."

    /// An MDP client request: `[MDPC01][service][body…]`.
    public struct ClientRequest: Equatable, Sendable {
        public var service: String
        public var body: [[UInt8]]

        public init(service: String, body: [[UInt8]]) {
            self.service = service
            self.body = body
        }

        public static func decode(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> ClientRequest {
            guard frames.first == clientHeader else { throw WireError(.unsupportedProtocol, "not an MDPC01 message") }
            guard frames.count >= 2 else { throw WireError(.malformed, "MDP request needs a service frame") }
            let service = try String(frame: frames[frames.startIndex + 1], field: "MDP service")
            return ClientRequest(service: service, body: Array(frames.dropFirst(2)))
        }

        public func encode() -> [[UInt8]] { [clientHeader, service.frame] + body }
    }

    /// 9/TSP (Titanic): disconnected reliability for MDP clients. The broker answers these
    /// three services itself, from its journal and stores, so a client may go away between
    /// its request and its reply.
    public enum Titanic {
        public static let request = "titanic.request"
        public static let reply = "titanic.reply"
        public static let close = "titanic.close"
        public static let services: Set<String> = [request, reply, close]

        /// 9/TSP's status frames.
        public enum Status: String, Sendable {
            case ok = "200"
            case pending = "300"
            case clientError = "400"
            case serverError = "500"

            public var frame: [UInt8] { Array(rawValue.utf8) }
        }

        /// The request's UUID is the job id in an RFC 9562 version 8 ("custom") layout, so
        /// the journal's row is the whole Titanic record and nothing else is stored: hex
        /// `637474737039` ("cttsp9", a marker), version `8`, `000`, then the 64-bit field
        /// whose top two bits are the variant `10` and whose other 62 bits are the job id.
        /// Job ids are SQLite rowids, far below 2^62. Knowing a UUID grants nothing a job id
        /// does not: with CURVE the same ownership checks as JOB apply.
        public static func uuid(forJob id: UInt64) -> String? {
            guard id < uuidIdLimit else { return nil }
            let field = String(id | uuidVariantBits, radix: 16)
            return uuidHead + String(repeating: "0", count: 16 - field.count) + field
        }

        /// The job id of a UUID `uuid(forJob:)` made (hex digits of either case), or nil
        /// for any other frame.
        public static func jobId(fromUUID frame: [UInt8]) -> UInt64? {
            guard frame.count == 32, let text = String(validating: frame, as: UTF8.self)?.lowercased(),
                  text.hasPrefix(uuidHead), let field = UInt64(text.dropFirst(uuidHead.count), radix: 16),
                  field & ~(uuidIdLimit - 1) == uuidVariantBits
            else { return nil }
            return field & (uuidIdLimit - 1)
        }

        private static let uuidHead = "6374747370398000"
        private static let uuidVariantBits: UInt64 = 1 << 63
        private static let uuidIdLimit: UInt64 = 1 << 62
    }

    /// The broker's reply to an MDP client: `[MDPC01][service][body…]`.
    public static func clientReply(service: String, body: [[UInt8]]) -> [[UInt8]] {
        [clientHeader, service.frame] + body
    }

    public enum WorkerCommand: UInt8, Sendable {
        case ready = 0x01
        case request = 0x02
        case reply = 0x03
        case heartbeat = 0x04
        case disconnect = 0x05
    }

    /// An MDP worker message in either direction.
    public enum WorkerMessage: Equatable, Sendable {
        case ready(service: String)
        /// Broker → worker. The client address is the broker's correlation token (here, the task id).
        case request(clientAddress: [UInt8], body: [[UInt8]])
        /// Worker → broker.
        case reply(clientAddress: [UInt8], body: [[UInt8]])
        case heartbeat
        case disconnect

        public func encode() -> [[UInt8]] {
            switch self {
            case .ready(let service):
                [workerHeader, [WorkerCommand.ready.rawValue], service.frame]
            case .request(let address, let body):
                [workerHeader, [WorkerCommand.request.rawValue], address, []] + body
            case .reply(let address, let body):
                [workerHeader, [WorkerCommand.reply.rawValue], address, []] + body
            case .heartbeat:
                [workerHeader, [WorkerCommand.heartbeat.rawValue]]
            case .disconnect:
                [workerHeader, [WorkerCommand.disconnect.rawValue]]
            }
        }

        public static func decode(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> WorkerMessage {
            guard frames.first == workerHeader else { throw WireError(.unsupportedProtocol, "not an MDPW01 message") }
            guard frames.count >= 2, frames[frames.startIndex + 1].count == 1 else {
                throw WireError(.malformed, "MDP worker message needs a one-byte command frame")
            }
            guard let command = WorkerCommand(rawValue: frames[frames.startIndex + 1][0]) else {
                throw WireError(.unknownCommand, "unknown MDP worker command 0x\(String(frames[frames.startIndex + 1][0], radix: 16))")
            }
            let body = frames.dropFirst(2)
            switch command {
            case .ready:
                guard body.count == 1 else { throw WireError(.malformed, "MDP READY needs exactly a service frame") }
                return .ready(service: try String(frame: body[body.startIndex], field: "MDP service"))
            case .request, .reply:
                guard body.count >= 2, body[body.startIndex + 1].isEmpty else {
                    throw WireError(.malformed, "MDP \(command) needs client address and empty frames")
                }
                let address = body[body.startIndex]
                let payload = Array(body.dropFirst(2))
                return command == .request ? .request(clientAddress: address, body: payload) : .reply(clientAddress: address, body: payload)
            case .heartbeat:
                guard body.isEmpty else { throw WireError(.malformed, "MDP HEARTBEAT takes no body") }
                return .heartbeat
            case .disconnect:
                guard body.isEmpty else { throw WireError(.malformed, "MDP DISCONNECT takes no body") }
                return .disconnect
            }
        }
    }
}
