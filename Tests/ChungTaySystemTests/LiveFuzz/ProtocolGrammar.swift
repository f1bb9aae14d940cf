import ChungTaySampleData
import ChungTayWire

/// Generates messages from docs/PROTOCOL.md's grammars: every CTCP01 request (and the
/// replies sent the wrong way), every CTWP01 worker command (and the dispatcher's own
/// commands sent back), 7/MDP client and worker messages, 8/MMI; with boundary integers
/// in every field, lying length and count fields, frame-level mutations, out-of-order
/// state, and floods.
///
/// Every choice comes from one seeded SplitMix64, so a seed names a run. Choices that aim
/// at state (a job id the dispatcher returned, a task another peer holds) draw from
/// `FuzzKnowledge`, which follows the replies; those depend on timing, so a failure report
/// carries the messages' bytes as well as the seed.
struct ProtocolGrammar {
    private var random: SplitMix64
    let skip: Set<FuzzClass>
    let clientPeers: Int
    let workerPeers: Int
    /// The dispatcher's maximum message size, for messages just under and over it.
    let maxMessageBytes: Int
    private var nextRequestId: UInt64 = 1
    private var floodSerial = 0

    /// The kind no generated message names: the test parks its own jobs there.
    static let reservedKind = "livefuzz.parked"

    init(seed: UInt64, skip: Set<FuzzClass>, clientPeers: Int, workerPeers: Int, maxMessageBytes: Int) {
        random = SplitMix64(seed: seed)
        self.skip = skip
        self.clientPeers = clientPeers
        self.workerPeers = workerPeers
        self.maxMessageBytes = maxMessageBytes
    }

    /// The next action: usually one message, for a flood many.
    mutating func next(_ knowledge: FuzzKnowledge) -> [FuzzMessage] {
        if random.chance(fraction: 0.012), let flood = flood(knowledge) { return flood }
        var message = switch random.weighted([(0, 34), (1, 32), (2, 9), (3, 9), (4, 4), (5, 3)]) {
        case 0: clientRequest(knowledge)
        case 1: workerMessage(knowledge)
        case 2: majordomoClient()
        case 3: majordomoWorker(knowledge)
        case 4: crossProtocol()
        default: wrongWayReply()
        }
        if random.chance(18) { mutate(&message) }
        return [message]
    }

    // MARK: - CTCP01

    private mutating func clientRequest(_ knowledge: FuzzKnowledge) -> FuzzMessage {
        var choices: [(String, Int)] = [
            ("submit", 30), ("job", 10), ("wait", 12), ("status", 8), ("dead-letters", 4), ("retry", 5),
            ("batch-status", 5), ("batch-list", 3), ("results", 6),
        ]
        if !skip.contains(.batchControl) { choices += [("batch-open", 7), ("batch-seal", 5)] }
        let name = random.weighted(choices)
        let command: ClientProtocol.Command
        var body: [[UInt8]] = []
        var label = "ctcp.\(name)"
        switch name {
        case "submit":
            command = .submit
            let jobs = random.weighted([(1, 14), (random.int(in: 2...5), 5), (random.int(in: 6...64), 1)])
            for _ in 0..<jobs {
                let (header, inBatch) = jobHeader(knowledge)
                if inBatch { label = "ctcp.submit+batch" }
                body += [header, payload()]
            }
        case "job":
            command = .job
            body = [random.chance(85) ? IdList.encode([jobId(knowledge)]) : idListOddity(knowledge)]
        case "wait":
            command = .wait
            let count = random.weighted([(0, 1), (random.int(in: 1...5), 16), (random.int(in: 6...300), 3)])
            body = [IdList.encode((0..<count).map { _ in jobId(knowledge) })]
        case "status": command = .status
        case "dead-letters": command = .deadLetters
        case "retry":
            command = .retryDeadLetters
            body = [IdList.encode(random.chance(30) ? [] : (0..<random.int(in: 1...5)).map { _ in jobId(knowledge) })]
        case "batch-open":
            command = .batchOpen
            body = [batchOpenBody(knowledge)]
        case "batch-seal":
            command = .batchSeal
            body = [batchSealBody(knowledge)]
        case "batch-status":
            command = .batchStatus
            body = [batchReference(knowledge)]
        case "batch-list": command = .batchList
        default:
            command = .results
            body = [resultKey(), random.chance(60) ? [] : batchReference(knowledge)]
        }
        return clientMessage(command: command.rawValue, body: body, label: label)
    }

    private mutating func clientMessage(command: UInt8, body: [[UInt8]], label: String) -> FuzzMessage {
        let delimiter: [[UInt8]] = random.chance(15) ? [[]] : []
        return FuzzMessage(
            endpoint: .client, sender: .peer(random.int(in: 0...(clientPeers - 1))),
            frames: delimiter + [ClientProtocol.header, [command], requestId()] + body, label: label)
    }

    /// Sequential ids mostly, so replies can be told apart; sometimes a boundary value.
    private mutating func requestId() -> [UInt8] {
        nextRequestId &+= 1
        return IdList.encode([random.chance(90) ? nextRequestId : random.element(of: [0, 1, UInt64(Int64.max), 1 << 63, UInt64.max])])
    }

    /// A job header per PROTOCOL.md: kind, priority, key, and for a batch job batch id and counters.
    private mutating func jobHeader(_ knowledge: FuzzKnowledge) -> (header: [UInt8], inBatch: Bool) {
        var header: [UInt8] = []
        let kind = kindName()
        header.append(UInt8(truncatingIfNeeded: lengthField(kind.count, max: 255)))
        header += kind
        header.appendBigEndian(priority())
        let key = idempotencyKey()
        header.appendBigEndian(UInt16(truncatingIfNeeded: lengthField(key.count, max: 65535)))
        header += key
        let inBatch = random.chance(35)
        if inBatch {
            let batch = batchIdInHeader(knowledge)
            header.append(UInt8(truncatingIfNeeded: lengthField(batch.count, max: 255)))
            header += batch
            appendCounters(to: &header)
        }
        if random.chance(3) { header += randomBytes(1...4) }
        return (header, inBatch)
    }

    private mutating func appendCounters(to bytes: inout [UInt8]) {
        let count = random.weighted([(0, 3), (1, 4), (2, 2), (random.int(in: 3...12), 1)])
        bytes.appendBigEndian(UInt16(truncatingIfNeeded: lengthField(count, max: 65535)))
        for _ in 0..<count {
            let name = counterName()
            bytes.append(UInt8(truncatingIfNeeded: lengthField(name.count, max: 255)))
            bytes += name
            bytes.appendBigEndian(counterValue())
        }
    }

    private mutating func batchOpenBody(_ knowledge: FuzzKnowledge) -> [UInt8] {
        if !skip.contains(.deepJSON), random.chance(3) {
            let depth = random.element(of: [600, 10_000, 200_000])
            return Array(#"{"name":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth) + [UInt8(ascii: "}")]
        }
        var names = ["fz-batch-1", "fz-batch-2", "fz-batch-3", "", String(repeating: "n", count: 200), String(repeating: "n", count: 201), "Lô Tánh Linh"]
        names += knowledge.batchNames.suffix(4)
        var fields: [(String, String)] = [
            ("name", JSONText.quoted(random.element(of: names) + (random.chance(20) ? "-\(random.int(in: 0...999))" : ""))),
            ("asOf", JSONText.quoted(random.element(of: ["2026-11-27", "2026-11-28", "9999-99-99", "0000-00-00", "2026-02-30", "2026-1-1", "", "2026-11-27T00"]))),
            ("whatIf", random.chance(50) ? "true" : "false"),
            ("submittedBy", JSONText.quoted(random.element(of: ["fuzz@host", "", "Nguyễn@máy", String(repeating: "u", count: 5000)]))),
            ("inputs", random.element(of: [
                "[]", #"["households.csv"]"#, #"["a","b"]"#,
                "[" + (0..<random.int(in: 100...3000)).map { "\"input-\($0)\"" }.joined(separator: ",") + "]",
            ])),
        ]
        switch random.int(in: 0...19) {
        case 0...14: break
        case 15: fields.remove(at: random.int(in: 0...(fields.count - 1)))
        case 16: fields[random.int(in: 0...(fields.count - 1))].1 = random.element(of: ["null", "5", "\"yes\"", "[1]", "{}", "1e400"])
        case 17: fields.append(("extra", "1"))
        case 18: return random.element(of: [[], Array("[]".utf8), Array("not json".utf8), Array("{".utf8), randomBytes(1...64)])
        default: fields.shuffle(using: &random)
        }
        return Array(("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    private mutating func batchSealBody(_ knowledge: FuzzKnowledge) -> [UInt8] {
        let numbers = ["0", "1", "10", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e20", "1.5", "\"3\"", "null"]
        let id = String(decoding: batchReference(knowledge), as: UTF8.self)
        var fields = [
            "\"batchId\":\(JSONText.quoted(id))",
            "\"householdChunks\":\(random.chance(70) ? String(random.int(in: 0...50)) : random.element(of: numbers))",
            "\"loanChunks\":\(random.chance(70) ? String(random.int(in: 0...50)) : random.element(of: numbers))",
            "\"inputErrors\":\(random.chance(70) ? String(random.int(in: 0...5)) : random.element(of: numbers))",
        ]
        if random.chance(8) { fields.remove(at: random.int(in: 0...(fields.count - 1))) }
        return Array(("{" + fields.joined(separator: ",") + "}").utf8)
    }

    // MARK: - CTWP01

    private mutating func workerMessage(_ knowledge: FuzzKnowledge) -> FuzzMessage {
        let peer = random.int(in: 0...(workerPeers - 1))
        let weights: [(String, Int)] = knowledge.registered.contains(peer)
            ? [("ready", 5), ("result", 34), ("fail", 14), ("heartbeat", 22), ("disconnect", 3), ("tasks", 3), ("error", 2), ("unknown", 3)]
            : [("ready", 45), ("result", 10), ("fail", 8), ("heartbeat", 20), ("disconnect", 4), ("tasks", 3), ("error", 2), ("unknown", 3)]
        let name = random.weighted(weights)
        var body: [[UInt8]]
        var effect = FuzzEffect.none
        var command: UInt8
        switch name {
        case "ready":
            command = WorkerProtocol.Command.ready.rawValue
            var wellFormed = true
            var workerName = Array("fz-worker-\(peer)".utf8)
            if random.chance(15) {
                wellFormed = false
                workerName = random.element(of: [[], [UInt8](repeating: 0x77, count: 256), [0xC3, 0x28], Array("ok".utf8) + [0xFF]])
            }
            let kinds = kindList(wellFormed: &wellFormed)
            let credit = creditFrame(wellFormed: &wellFormed)
            body = [workerName, kinds, credit]
            if wellFormed { effect = .ready(peer: peer) }
        case "result":
            command = WorkerProtocol.Command.result.rawValue
            let items = random.weighted([(1, 15), (random.int(in: 2...4), 4), (random.int(in: 5...40), 1)])
            body = []
            var answered: [UInt64] = []
            var wellFormed = true
            for _ in 0..<items {
                let id = taskId(knowledge, peer: peer)
                body += resultItem(taskId: id, wellFormed: &wellFormed)
                answered.append(id)
            }
            if wellFormed { effect = .answered(peer: peer, ids: answered) }
        case "fail":
            command = WorkerProtocol.Command.fail.rawValue
            body = []
            var answered: [UInt64] = []
            for _ in 0..<random.weighted([(1, 8), (random.int(in: 2...5), 2)]) {
                let id = taskId(knowledge, peer: peer)
                answered.append(id)
                var header: [UInt8] = []
                header.appendBigEndian(id)
                header.append(random.element(of: [0, 1, 0xFF]))
                if random.chance(4) { header = random.chance(50) ? Array(header.dropLast()) : header + [0] }
                body += [header, failureCode(), text(upTo: 2000)]
            }
            effect = .answered(peer: peer, ids: answered)
        case "heartbeat":
            command = WorkerProtocol.Command.heartbeat.rawValue
            body = random.chance(5) ? [randomBytes(0...8)] : []
        case "disconnect":
            command = WorkerProtocol.Command.disconnect.rawValue
            body = random.weighted([([], 3), ([Array("draining".utf8)], 3), ([text(upTo: 300)], 1), ([[], []], 1)])
            if body.count <= 1 { effect = .disconnect(peer: peer) }
        case "tasks":
            command = WorkerProtocol.Command.tasks.rawValue
            var header: [UInt8] = []
            header.appendBigEndian(jobId(knowledge))
            header.appendBigEndian(UInt16(random.int(in: 0...65535)))
            let kind = kindName()
            header.append(UInt8(truncatingIfNeeded: kind.count))
            header += kind
            body = [header, payload()]
        case "error":
            command = WorkerProtocol.Command.error.rawValue
            body = [failureCode(), text(upTo: 100)]
        default:
            command = random.element(of: [0x00, 0x07, 0x08, 0x7E, 0x80, 0xFF])
            body = random.chance(50) ? [] : [randomBytes(0...16)]
        }
        let delimiter: [[UInt8]] = random.chance(5) ? [[]] : []
        var message = FuzzMessage(endpoint: .worker, sender: .peer(peer),
                                  frames: delimiter + [WorkerProtocol.header, [command]] + body, label: "ctwp.\(name)")
        message.effect = delimiter.isEmpty ? effect : .none
        return message
    }

    /// READY's kind list: mostly kinds the clients submit, sometimes an empty item or an invalid kind.
    private mutating func kindList(wellFormed: inout Bool) -> [UInt8] {
        var kinds: [[UInt8]] = (0..<random.weighted([(1, 6), (random.int(in: 2...4), 3), (0, 1)])).map { _ in
            random.chance(90) ? Array(random.element(of: Self.builtInKinds + Self.fuzzKinds).utf8) : kindName()
        }
        if kinds.isEmpty || kinds.contains(where: { !JobSpec.isValidKind(String(decoding: $0, as: UTF8.self)) }) { wellFormed = false }
        if random.chance(5) { kinds.insert([], at: random.int(in: 0...kinds.count)) }
        return Array(kinds.joined(separator: [UInt8(ascii: ",")]))
    }

    private mutating func creditFrame(wellFormed: inout Bool) -> [UInt8] {
        let credit: UInt32 = random.chance(80)
            ? random.element(of: [1, 2, 4, 16, 100])
            : random.element(of: [0, 4095, 4096, 4097, UInt32(Int32.max), 1 << 31, UInt32.max])
        if credit == 0 { wellFormed = false }
        var frame: [UInt8] = []
        frame.appendBigEndian(credit)
        if random.chance(5) {
            wellFormed = false
            return random.chance(50) ? Array(frame.prefix(3)) : frame + [0]
        }
        return frame
    }

    /// One RESULT item: header (task id, flags, count), documents packed or a frame each,
    /// and, with the extras flag, the extras frame and follow-up payloads.
    /// Floods pass `allowLarge: false`: thousands of items at 200 kB each would be a
    /// message far over the size limit, which `bigMessage` already covers.
    private mutating func resultItem(taskId: UInt64, wellFormed: inout Bool, allowLarge: Bool = true) -> [[UInt8]] {
        let isList = random.chance(50)
        let packed = random.chance(60)
        let hasExtras = random.chance(30)
        let count = isList ? random.weighted([(0, 2), (1, 3), (random.int(in: 2...6), 2)]) : 1
        var flags = UInt8(isList ? 1 : 0) | (hasExtras ? 2 : 0) | (packed ? 4 : 0)
        if random.chance(4) {
            flags = UInt8(truncatingIfNeeded: random.next())
            wellFormed = false
        }
        var header: [UInt8] = []
        header.appendBigEndian(taskId)
        header.append(flags)
        let announced = lengthField(count, max: Int(UInt32.max))
        if announced != count { wellFormed = false }
        header.appendBigEndian(UInt32(truncatingIfNeeded: announced))
        let documents = (0..<count).map { _ in document(taskId: taskId, wellFormed: &wellFormed, allowLarge: allowLarge) }
        var frames = [header]
        if packed {
            var lines = Array(documents.map { $0 + [0x0A] }.joined())
            if random.chance(6) {
                wellFormed = false
                switch random.int(in: 0...2) {
                case 0: if !lines.isEmpty { lines.removeLast() }
                case 1: lines.append(0x0A)
                default: lines.insert(0x0D, at: random.int(in: 0...lines.count))
                }
            }
            frames.append(lines)
        } else {
            frames += documents
        }
        if hasExtras { frames += extras(documents: count, wellFormed: &wellFormed) }
        return frames
    }

    private mutating func document(taskId: UInt64, wellFormed: inout Bool, allowLarge: Bool = true) -> [UInt8] {
        if random.chance(6) {
            wellFormed = false
            return random.element(of: [[], Array("{".utf8), Array("}".utf8), Array("{\n}".utf8), Array("{\r}".utf8), Array("[1]".utf8), Array("x{}".utf8)])
        }
        let result = allowLarge && random.chance(2) ? JSONText.quoted(String(repeating: "r", count: 200_000)) : String(random.int(in: 0...999))
        return Array(#"{"taskId":"\#(taskId)","kind":"fz","batchId":null,"processedAt":"2026-11-30T00:00:00Z","worker":"fz","result":\#(result)}"#.utf8)
    }

    /// The extras frame (keys, follow-ups, counters) and the follow-ups' payload frames.
    private mutating func extras(documents: Int, wellFormed: inout Bool) -> [[UInt8]] {
        var frame: [UInt8] = []
        let keyCount = random.chance(40) ? 0 : documents
        let announcedKeys = lengthField(keyCount, max: Int(UInt32.max))
        if announcedKeys != keyCount { wellFormed = false }
        frame.appendBigEndian(UInt32(truncatingIfNeeded: announcedKeys))
        for _ in 0..<keyCount {
            let key = random.chance(80) ? Array("FZ-\(random.int(in: 0...30))".utf8) : text(upTo: 300)
            frame.appendBigEndian(UInt16(truncatingIfNeeded: lengthField(key.count, max: 65535)))
            frame += key
        }
        let followUps = random.weighted([(0, 5), (1, 3), (random.int(in: 2...5), 1)])
        let announcedFollowUps = lengthField(followUps, max: 65535)
        if announcedFollowUps != followUps { wellFormed = false }
        frame.appendBigEndian(UInt16(truncatingIfNeeded: announcedFollowUps))
        for _ in 0..<followUps {
            let kind = kindName()
            frame.append(UInt8(truncatingIfNeeded: lengthField(kind.count, max: 255)))
            frame += kind
            frame.appendBigEndian(priority())
        }
        appendCounters(to: &frame)
        return [frame] + (0..<followUps).map { _ in payload() }
    }

    private mutating func failureCode() -> [UInt8] {
        random.chance(85)
            ? Array(random.element(of: ["boom", "no_handler", "payload_invalid", "handler_failed", "worker_lost", "storage"]).utf8)
            : random.element(of: [[], [UInt8](repeating: 0x63, count: 1000), [0xFF, 0xFE], text(upTo: 64)])
    }

    /// A task id for RESULT, FAIL and MDP REPLY: one this peer holds, one another peer
    /// holds, or one it never held (a known job id or a boundary value).
    private mutating func taskId(_ knowledge: FuzzKnowledge, peer: Int) -> UInt64 {
        let roll = random.int(in: 0...9)
        if roll <= 4, let own = knowledge.leases[peer], let id = own.keys.randomElement(using: &random) { return id }
        if roll <= 6, let other = knowledge.leases.filter({ $0.key != peer && !$0.value.isEmpty }).values.randomElement(using: &random),
           let id = other.keys.randomElement(using: &random) {
            return id
        }
        return jobId(knowledge)
    }

    // MARK: - 7/MDP and 8/MMI

    private mutating func majordomoClient() -> FuzzMessage {
        let service: [UInt8]
        var body: [[UInt8]]
        var label = "mdpc.request"
        switch random.int(in: 0...19) {
        case 0...4:
            service = Array("mmi.service".utf8)
            label = "mmi.service"
            body = random.weighted([([Array(random.element(of: Self.builtInKinds + Self.fuzzKinds).utf8)], 6), ([], 1), ([kindName(), payload()], 1)])
        case 5...6:
            service = Array(random.element(of: ["mmi.echo", "mmi.", "mmi.service.x", "MMI.service"]).utf8)
            label = "mmi.other"
            body = [payload()]
        default:
            service = random.chance(75) ? Array(random.element(of: Self.builtInKinds + Self.fuzzKinds).utf8) : kindName()
            body = random.weighted([([payload()], 12), ([], 1), ((0..<random.int(in: 2...4)).map { _ in payload() }, 2)])
        }
        let delimiter: [[UInt8]] = random.chance(90) ? [[]] : []
        return FuzzMessage(endpoint: .client, sender: .peer(random.int(in: 0...(clientPeers - 1))),
                           frames: delimiter + [Majordomo.clientHeader, service] + body, label: label)
    }

    private mutating func majordomoWorker(_ knowledge: FuzzKnowledge) -> FuzzMessage {
        let peer = random.int(in: 0...(workerPeers - 1))
        let command: Majordomo.WorkerCommand
        var body: [[UInt8]]
        switch random.weighted([("ready", 6), ("reply", 8), ("heartbeat", 6), ("disconnect", 2), ("request", 1)]) {
        case "ready":
            command = .ready
            body = random.chance(90)
                ? [random.chance(80) ? Array(random.element(of: Self.builtInKinds + Self.fuzzKinds).utf8) : kindName()]
                : random.element(of: [[], [Array("mmi.service".utf8)], [Array("system.echo".utf8), []]])
        case "reply":
            command = .reply
            var address: [UInt8] = []
            if random.chance(90) {
                address.appendBigEndian(taskId(knowledge, peer: peer))
            } else {
                address = random.element(of: [[], [1, 2, 3, 4, 5, 6, 7], randomBytes(9...16)])
            }
            let replyBody = random.weighted([([payload()], 10), ([], 1), ((0..<random.int(in: 2...3)).map { _ in payload() }, 2)])
            body = random.chance(95) ? [address, []] + replyBody : [address] + replyBody
        case "heartbeat":
            command = .heartbeat
            body = random.chance(5) ? [randomBytes(0...4)] : []
        case "disconnect":
            command = .disconnect
            body = random.chance(5) ? [randomBytes(0...4)] : []
        default:
            command = .request
            body = [IdList.encode([jobId(knowledge)]), [], payload()]
        }
        let commandFrame: [UInt8] = random.chance(3) ? random.element(of: [[], [0x00], [0x06], [command.rawValue, 0]]) : [command.rawValue]
        let delimiter: [[UInt8]] = random.chance(90) ? [[]] : []
        return FuzzMessage(endpoint: .worker, sender: .peer(peer), frames: delimiter + [Majordomo.workerHeader, commandFrame] + body,
                           label: "mdpw.\(command)")
    }

    // MARK: - Wrong headers, wrong endpoints, wrong directions

    private mutating func crossProtocol() -> FuzzMessage {
        let headers: [[UInt8]] = [
            ClientProtocol.header, WorkerProtocol.header, Majordomo.clientHeader, Majordomo.workerHeader,
            Array("CTCP02".utf8), Array("CTWP00".utf8), Array("ctcp01".utf8), Array("CTCP0".utf8), Array("CTCP011".utf8),
            Array("MDPC02".utf8), [], randomBytes(1...12),
        ]
        let endpoint: FuzzEndpoint = random.chance(50) ? .client : .worker
        var frames = [random.element(of: headers)]
        frames += (0..<random.int(in: 0...4)).map { _ in random.chance(40) ? [UInt8(random.int(in: 0...255))] : randomBytes(0...16) }
        let peers = endpoint == .client ? clientPeers : workerPeers
        return FuzzMessage(endpoint: endpoint, sender: .peer(random.int(in: 0...(peers - 1))), frames: frames, label: "cross.\(endpoint.rawValue)")
    }

    private mutating func wrongWayReply() -> FuzzMessage {
        let command = random.element(of: [0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0xFF, 0x00, 0x0C, 0x7F, 0x80, 0x89, 0xFE] as [UInt8])
        let body = (0..<random.int(in: 0...3)).map { _ in random.chance(50) ? IdList.encode([jobIdBoundary()]) : text(upTo: 64) }
        return clientMessage(command: command, body: body, label: "ctcp.wrong-way")
    }

    // MARK: - Floods

    private mutating func flood(_ knowledge: FuzzKnowledge) -> [FuzzMessage]? {
        let options = [(FuzzClass.burst, 6), (.waitFlood, 2), (.readyKinds, 2), (.frameFlood, 2), (.crowd, 2), (.bigMessage, 1)]
            .filter { !skip.contains($0.0) }
        guard !options.isEmpty else { return nil }
        floodSerial += 1
        switch random.weighted(options) {
        case .waitFlood: return [waitFlood(knowledge)]
        case .readyKinds: return [readyKindsFlood()]
        case .frameFlood: return [frameFlood()]
        case .crowd: return crowd(knowledge)
        case .bigMessage: return [bigMessage()]
        default: return burst(knowledge)
        }
    }

    /// WAIT with up to 2 million ids: copies of one (probably final) job, or many known ids, or pending ones.
    private mutating func waitFlood(_ knowledge: FuzzKnowledge) -> FuzzMessage {
        let count = random.element(of: [10_000, 100_000, 500_000, 1_000_000, 2_000_000])
        let pool = knowledge.answeredIds.isEmpty ? knowledge.jobIds : knowledge.answeredIds
        let ids: [UInt64] = switch random.int(in: 0...2) {
        case 0 where !pool.isEmpty: [UInt64](repeating: random.element(of: pool), count: count)
        case 1 where !knowledge.jobIds.isEmpty: (0..<count).map { knowledge.jobIds[$0 % knowledge.jobIds.count] }
        default: (0..<count).map { _ in jobId(knowledge) }
        }
        return clientMessage(command: ClientProtocol.Command.wait.rawValue, body: [IdList.encode(ids)], label: "flood.wait(\(count))")
    }

    /// READY announcing thousands of distinct kinds, each new to the dispatcher.
    private mutating func readyKindsFlood() -> FuzzMessage {
        let count = random.element(of: [1000, 10_000, 50_000, 100_000])
        let kinds = (0..<count).map { "fz.flood\(floodSerial).k\($0)" }.joined(separator: ",")
        var credit: [UInt8] = []
        credit.appendBigEndian(UInt32(4))
        let peer = random.int(in: 0...(workerPeers - 1))
        var message = FuzzMessage(endpoint: .worker, sender: .peer(peer),
                                  frames: [WorkerProtocol.header, [WorkerProtocol.Command.ready.rawValue], Array("fz-flood".utf8), Array(kinds.utf8), credit],
                                  label: "flood.ready-kinds(\(count))")
        message.effect = .ready(peer: peer)
        return message
    }

    /// One message of up to a million frames (empty ones weigh nothing against the size limit).
    private mutating func frameFlood() -> FuzzMessage {
        let count = random.element(of: [10_000, 100_000, 500_000, 1_000_000])
        let filler = [[UInt8]](repeating: random.chance(70) ? [] : [0x7B], count: count)
        switch random.int(in: 0...3) {
        case 0:
            return clientMessage(command: ClientProtocol.Command.status.rawValue, body: filler, label: "flood.frames.status(\(count))")
        case 1:
            return FuzzMessage(endpoint: .client, sender: .peer(random.int(in: 0...(clientPeers - 1))),
                               frames: [[], Majordomo.clientHeader, Array("system.echo".utf8)] + filler, label: "flood.frames.mdpc(\(count))")
        case 2:
            return FuzzMessage(endpoint: .worker, sender: .peer(random.int(in: 0...(workerPeers - 1))),
                               frames: [WorkerProtocol.header, [WorkerProtocol.Command.heartbeat.rawValue]] + filler, label: "flood.frames.heartbeat(\(count))")
        default:
            var header: [UInt8] = []
            header.appendBigEndian(jobIdBoundary())
            header += [1, 0, 0, 0, 1]
            return FuzzMessage(endpoint: .worker, sender: .peer(random.int(in: 0...(workerPeers - 1))),
                               frames: [WorkerProtocol.header, [WorkerProtocol.Command.result.rawValue], header] + filler,
                               label: "flood.frames.result(\(count))")
        }
    }

    /// Hundreds of short-lived peers, each leaving state behind: a pending WAIT, an MDP
    /// request, a worker registration with its own kind and leases.
    private mutating func crowd(_ knowledge: FuzzKnowledge) -> [FuzzMessage] {
        let count = random.int(in: 50...300)
        return (0..<count).map { index in
            switch random.int(in: 0...4) {
            case 0:
                let ids = knowledge.jobIds.isEmpty ? [jobIdBoundary()] : [random.element(of: knowledge.jobIds)]
                return FuzzMessage(endpoint: .client, sender: .crowd(index),
                                   frames: [ClientProtocol.header, [ClientProtocol.Command.wait.rawValue], requestId(), IdList.encode(ids)], label: "flood.crowd.wait")
            case 1:
                return FuzzMessage(endpoint: .client, sender: .crowd(index),
                                   frames: [[], Majordomo.clientHeader, Array(random.element(of: Self.builtInKinds + Self.fuzzKinds).utf8), payload()],
                                   label: "flood.crowd.mdpc")
            case 2:
                var credit: [UInt8] = []
                credit.appendBigEndian(UInt32(random.element(of: [1, 100, 4096])))
                let kinds = random.chance(50) ? "fz.crowd\(floodSerial).k\(index)" : random.element(of: Self.builtInKinds + Self.fuzzKinds)
                return FuzzMessage(endpoint: .worker, sender: .crowd(index),
                                   frames: [WorkerProtocol.header, [WorkerProtocol.Command.ready.rawValue], Array("fz-crowd".utf8), Array(kinds.utf8), credit],
                                   label: "flood.crowd.ready")
            case 3:
                return FuzzMessage(endpoint: .worker, sender: .crowd(index),
                                   frames: [[], Majordomo.workerHeader, [Majordomo.WorkerCommand.ready.rawValue], Array(random.element(of: Self.builtInKinds + Self.fuzzKinds).utf8)],
                                   label: "flood.crowd.mdpw")
            default:
                return FuzzMessage(endpoint: .client, sender: .crowd(index),
                                   frames: [ClientProtocol.header, [ClientProtocol.Command.status.rawValue], requestId()], label: "flood.crowd.status")
            }
        }
    }

    /// Messages around the size limit, and one frame beyond libzmq's per-frame cap.
    private mutating func bigMessage() -> FuzzMessage {
        var header: [UInt8] = [4]
        header += Array("fz.a".utf8)
        header += [0, 0, 0, 0]
        switch random.int(in: 0...3) {
        case 0:
            return clientMessage(command: ClientProtocol.Command.submit.rawValue,
                                 body: [header, [UInt8](repeating: 0x62, count: maxMessageBytes - 200)], label: "flood.big.under-limit")
        case 1:
            return clientMessage(command: ClientProtocol.Command.submit.rawValue,
                                 body: [header, [UInt8](repeating: 0x62, count: maxMessageBytes + 1)], label: "flood.big.over-limit")
        case 2:
            var result: [UInt8] = []
            result.appendBigEndian(jobIdBoundary())
            result += [0, 0, 0, 0, 1]
            let document = Array(#"{"r":""#.utf8) + [UInt8](repeating: 0x72, count: maxMessageBytes) + Array(#""}"#.utf8)
            return FuzzMessage(endpoint: .worker, sender: .peer(random.int(in: 0...(workerPeers - 1))),
                               frames: [WorkerProtocol.header, [WorkerProtocol.Command.result.rawValue], result, document], label: "flood.big.result")
        default:
            return clientMessage(command: ClientProtocol.Command.status.rawValue,
                                 body: [[UInt8](repeating: 0x63, count: maxMessageBytes * 2 + 65_536 + 1)], label: "flood.big.over-frame-cap")
        }
    }

    /// Thousands of small messages back to back, or one message with thousands of items.
    private mutating func burst(_ knowledge: FuzzKnowledge) -> [FuzzMessage] {
        switch random.int(in: 0...5) {
        case 0:
            let count = random.int(in: 500...3000)
            return (0..<count).map { _ in random.chance(50) ? clientRequest(knowledge) : workerMessage(knowledge) }
                .map { var message = $0; message.label = "flood.burst/" + message.label; return message }
        case 1:
            let count = random.element(of: [1000, 5000, 20_000])
            var body: [[UInt8]] = []
            for index in 0..<count {
                var header: [UInt8] = [4]
                header += Array(random.element(of: ["fz.a", "fz.b", "fz.c", "fz.d"]).utf8)
                header += [0, 0, 0, 0]
                body += [header, Array("{\"n\":\(index)}".utf8)]
            }
            return [clientMessage(command: ClientProtocol.Command.submit.rawValue, body: body, label: "flood.submit(\(count))")]
        case 2:
            let count = random.element(of: [5000, 30_000])
            let peer = random.int(in: 0...(workerPeers - 1))
            var body: [[UInt8]] = []
            var wellFormed = true
            for _ in 0..<count { body += resultItem(taskId: taskId(knowledge, peer: peer), wellFormed: &wellFormed, allowLarge: false) }
            return [FuzzMessage(endpoint: .worker, sender: .peer(peer), frames: [WorkerProtocol.header, [WorkerProtocol.Command.result.rawValue]] + body,
                                label: "flood.results(\(count))")]
        case 3:
            let count = random.element(of: [10_000, 300_000])
            return [clientMessage(command: ClientProtocol.Command.retryDeadLetters.rawValue,
                                  body: [IdList.encode((0..<count).map { _ in jobId(knowledge) })], label: "flood.retry(\(count))")]
        case 4 where !skip.contains(.batchControl):
            let count = random.int(in: 100...400)
            return (0..<count).map { index in
                let body = #"{"name":"fz-many-\#(floodSerial)-\#(index)","asOf":"2026-11-27","whatIf":false,"submittedBy":"fuzz","inputs":[]}"#
                return clientMessage(command: ClientProtocol.Command.batchOpen.rawValue, body: [Array(body.utf8)], label: "flood.batch-open")
            }
        default:
            let count = random.element(of: [1000, 10_000])
            let peer = random.int(in: 0...(workerPeers - 1))
            var body: [[UInt8]] = []
            for _ in 0..<count {
                var header: [UInt8] = []
                header.appendBigEndian(taskId(knowledge, peer: peer))
                header.append(1)
                body += [header, Array("boom".utf8), Array("flood".utf8)]
            }
            return [FuzzMessage(endpoint: .worker, sender: .peer(peer), frames: [WorkerProtocol.header, [WorkerProtocol.Command.fail.rawValue]] + body,
                                label: "flood.fail(\(count))")]
        }
    }

    // MARK: - Fields

    static let builtInKinds = ["system.echo", "household.review", "loan.status", "notify.emit"]
    /// Kinds the fuzz workers announce, and names the dispatcher uses for itself.
    static let fuzzKinds = ["fz.a", "fz.b", "fz.c", "fz.d", "batch.summary", "jobs", "mmi.service"]

    private mutating func kindName() -> [UInt8] {
        switch random.int(in: 0...9) {
        case 0...3: Array(random.element(of: Self.builtInKinds).utf8)
        case 4...6: Array(random.element(of: Self.fuzzKinds).utf8)
        case 7: Array(("fz." + String(repeating: "x", count: random.element(of: [1, 20, 252]))).utf8)
        default: random.element(of: [
            [], Array("A".utf8), Array("1abc".utf8), Array("a b".utf8), Array("a/b".utf8), Array("../x".utf8), Array("é".utf8),
            [0xFF], [0xC0, 0x80], [0x61, 0x00, 0x62], [UInt8](repeating: 0x61, count: 256),
        ])
        }
    }

    private mutating func priority() -> Int16 {
        random.chance(70) ? 0 : random.element(of: [1, -1, 100, Int16.max, Int16.max - 1, Int16.min, Int16.min + 1])
    }

    private mutating func idempotencyKey() -> [UInt8] {
        switch random.int(in: 0...9) {
        case 0...4: []
        case 5...6: Array("fz-key-\(random.int(in: 0...15))".utf8)
        case 7: text(upTo: 64)
        case 8: [UInt8](repeating: 0x6B, count: random.chance(50) ? 1024 : 1025)
        default: [0xED, 0xA0, 0x80]
        }
    }

    private mutating func batchIdInHeader(_ knowledge: FuzzKnowledge) -> [UInt8] {
        switch random.int(in: 0...9) {
        case 0...5: Array((knowledge.batchIds.randomElement(using: &random) ?? "B000001").utf8)
        case 6: []
        case 7: Array("B00000\(random.int(in: 1...9))".utf8)
        case 8: [UInt8](repeating: 0x42, count: random.chance(50) ? 64 : 65)
        default: text(upTo: 80)
        }
    }

    private mutating func batchReference(_ knowledge: FuzzKnowledge) -> [UInt8] {
        switch random.int(in: 0...9) {
        case 0...4: Array((knowledge.batchIds.randomElement(using: &random) ?? "B000001").utf8)
        case 5...6: Array((knowledge.batchNames.randomElement(using: &random) ?? "fz-batch-1").utf8)
        default: text(upTo: 300)
        }
    }

    private mutating func resultKey() -> [UInt8] {
        switch random.int(in: 0...9) {
        case 0...6: Array("FZ-\(random.int(in: 0...30))".utf8)
        case 7: []
        case 8: [UInt8](repeating: 0x4B, count: random.chance(50) ? 1024 : 1025)
        default: text(upTo: 64)
        }
    }

    private mutating func counterName() -> [UInt8] {
        switch random.int(in: 0...9) {
        case 0...6: Array(random.element(of: [
            "accepted/households", "accepted/loans", "accepted/householdChunks", "accepted/loanChunks",
            "documents/household.review", "loansByStatus/overdue", "reviewed",
        ]).utf8)
        case 7: []
        case 8: [UInt8](repeating: 0x63, count: 255)
        default: text(upTo: 40)
        }
    }

    private mutating func counterValue() -> Int64 {
        var values: [Int64] = [0, 1, -1, 2, 1000, -1000, 1 << 40, -(1 << 40)]
        if !skip.contains(.counters) { values += [Int64.max, Int64.max - 1, Int64.min, Int64.min + 1, 1 << 62, -(1 << 62)] }
        return random.chance(10) ? Int64(truncatingIfNeeded: random.next()) >> (skip.contains(.counters) ? 20 : 0) : random.element(of: values)
    }

    /// A job id: one the dispatcher returned, one a fuzz worker answered, or a boundary value.
    private mutating func jobId(_ knowledge: FuzzKnowledge) -> UInt64 {
        let roll = random.int(in: 0...9)
        if roll <= 4, let id = knowledge.jobIds.randomElement(using: &random) { return id }
        if roll <= 6, let id = knowledge.answeredIds.randomElement(using: &random) { return id }
        return jobIdBoundary()
    }

    private mutating func jobIdBoundary() -> UInt64 {
        let big = !skip.contains(.bigId)
        if random.chance(15) { return big ? random.next() : random.next() >> 1 }
        var values: [UInt64] = [0, 1, 2, 1000, UInt64(Int32.max), 1 << 32, 1 << 53, UInt64(Int64.max) - 1, UInt64(Int64.max)]
        if big { values += [1 << 63, (1 << 63) + 1, UInt64.max - 1, UInt64.max] }
        return random.element(of: values)
    }

    /// A JOB id-list that is not exactly one id.
    private mutating func idListOddity(_ knowledge: FuzzKnowledge) -> [UInt8] {
        random.element(of: [[], IdList.encode([jobId(knowledge), jobId(knowledge)]), randomBytes(7...7), randomBytes(9...9)])
    }

    /// A length or count field: the true value mostly, else a lie at a boundary.
    private mutating func lengthField(_ actual: Int, max: Int) -> Int {
        guard random.chance(10) else { return actual }
        return Swift.min(max, Swift.max(0, random.element(of: [0, 1, actual - 1, actual + 1, max - 1, max])))
    }

    private mutating func payload() -> [UInt8] {
        switch random.int(in: 0...9) {
        case 0: []
        case 1: Array("hi".utf8)
        case 2...4: Array(#"{"n":\#(random.int(in: 0...999))}"#.utf8)
        case 5: randomBytes(1...64)
        case 6: Array("not json".utf8)
        case 7: Array(#"{"asOf":"2026-11-30","household":{"householdCode":"FZ-1"}}"#.utf8)
        case 8: Array(#"{"asOf":"2026-11-30","loan":{"loanId":"L","principal":-9223372036854775808}}"#.utf8)
        default: random.chance(10) ? [UInt8](repeating: 0x78, count: 100_000) : text(upTo: 200)
        }
    }

    /// Text of up to `limit` bytes: ASCII, Vietnamese, control characters, or invalid UTF-8.
    private mutating func text(upTo limit: Int) -> [UInt8] {
        switch random.int(in: 0...7) {
        case 0: []
        case 1...2: Array(String(repeating: "fz", count: random.int(in: 1...Swift.max(1, limit / 2))).utf8.prefix(limit))
        case 3: Array("Nguyễn Thị Ánh 0912345678".utf8.prefix(limit))
        case 4: Array("a\u{0}b\r\n\t\"\\".utf8)
        case 5: [0xC3, 0x28]
        case 6: [0xF0, 0x9F, 0x98]
        default: randomBytes(1...Swift.max(1, Swift.min(limit, 32)))
        }
    }

    private mutating func randomBytes(_ count: ClosedRange<Int>) -> [UInt8] {
        (0..<random.int(in: count)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    // MARK: - Frame-level mutations

    /// Truncates, extends, drops, repeats, inserts, flips, swaps frames, swaps the header
    /// for a near miss, or adds or removes the envelope delimiter.
    private mutating func mutate(_ message: inout FuzzMessage) {
        var applied: [String] = []
        for _ in 0..<random.weighted([(1, 6), (2, 3), (3, 1)]) {
            guard !message.frames.isEmpty else { break }
            let index = random.int(in: 0...(message.frames.count - 1))
            switch random.int(in: 0...9) {
            case 0 where !message.frames[index].isEmpty:
                message.frames[index] = Array(message.frames[index].prefix(random.int(in: 0...(message.frames[index].count - 1))))
                applied.append("truncate\(index)")
            case 1:
                message.frames[index] += randomBytes(1...16)
                applied.append("extend\(index)")
            case 2 where message.frames.count > 1:
                message.frames.remove(at: index)
                applied.append("drop\(index)")
            case 3:
                message.frames.insert(message.frames[index], at: index)
                applied.append("repeat\(index)")
            case 4:
                message.frames.insert([], at: index)
                applied.append("empty\(index)")
            case 5:
                message.frames += (0..<random.int(in: 1...4)).map { _ in randomBytes(0...12) }
                applied.append("extra")
            case 6 where !message.frames[index].isEmpty:
                let position = random.int(in: 0...(message.frames[index].count - 1))
                message.frames[index][position] ^= UInt8(1 << random.int(in: 0...7))
                applied.append("flip\(index)")
            case 7:
                let header = message.frames.firstIndex { !$0.isEmpty } ?? 0
                message.frames[header] = random.element(of: [Array("CTCP02".utf8), Array("CTWP01".utf8), Array("MDPW01".utf8), Array("CTCP01".utf8), Array("MDPC0".utf8)])
                applied.append("header")
            case 8:
                let other = random.int(in: 0...(message.frames.count - 1))
                message.frames.swapAt(index, other)
                applied.append("swap\(index),\(other)")
            default:
                if message.frames.first?.isEmpty == true, message.frames.count > 1 { message.frames.removeFirst() } else { message.frames.insert([], at: 0) }
                applied.append("delimiter")
            }
        }
        message.label += applied.map { "~" + $0 }.joined()
        message.effect = .none
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
