import Testing
@testable import ChungTayWire

/// RESULT's flags octet (docs/PROTOCOL.md: bit 0 list, bit 1 extras, bit 2 packed, bit 3 outbox).
@Suite struct ResultFlagsTests {
    @Test func theBitsAreThoseOfTheProtocol() {
        #expect(ResultFlags.list.rawValue == 0x01)
        #expect(ResultFlags.extras.rawValue == 0x02)
        #expect(ResultFlags.packed.rawValue == 0x04)
        #expect(ResultFlags.outbox.rawValue == 0x08)
        #expect(ResultFlags.defined.rawValue == 0x0F)
    }

    /// The octet after the 8-byte task id of each item header, as the worker sends it.
    private func sentFlags(_ result: TaskResult) -> UInt8 {
        let frames = WorkerMessage.results([result]).encode()
        return frames[2][8]
    }

    @Test func theWorkerAlwaysPacksAndSetsListAndExtrasAsTheResultHasThem() {
        #expect(sentFlags(TaskResult(taskId: 1, documents: [Array("{}".utf8)], isList: false)) == 0x04)
        #expect(sentFlags(TaskResult(taskId: 1, documents: [], isList: true)) == 0x05)
        #expect(sentFlags(TaskResult(taskId: 1, documents: [Array("{}".utf8)], isList: false, keys: ["A"])) == 0x06)
        #expect(sentFlags(TaskResult(
            taskId: 1, documents: [Array("{}".utf8)], isList: true, followUps: [JobSpec(kind: "loan.status", payload: [])])) == 0x07)
        #expect(sentFlags(TaskResult(taskId: 1, documents: [Array("{}".utf8)], isList: true, outbox: [.none])) == 0x0D)
    }

    @Test func everyDefinedCombinationIsReadBackAndAnyOtherBitRefused() throws {
        for result in [
            TaskResult(taskId: 7, documents: [Array("{}".utf8)], isList: false),
            TaskResult(taskId: 7, documents: [Array("{}".utf8), Array(#"{"a":1}"#.utf8)], isList: true, keys: ["A", "B"]),
        ] {
            var frames = WorkerMessage.results([result]).encode()
            #expect(try WorkerMessage.decode(frames.dropFirst()) == .results([result]))
            for bit in 4..<8 {
                frames[2][8] |= UInt8(1) << bit
                let error = #expect(throws: WireError.self) { try WorkerMessage.decode(frames.dropFirst()) }
                #expect(error?.code == .malformed)
                frames[2][8] &= ~(UInt8(1) << bit)
            }
        }
    }
}
