import Testing

@testable import ChungTayDispatcher

@Suite("AnnouncedKinds")
struct AnnouncedKindsTests {
    private func kinds(_ range: Range<Int>) -> [String] { range.map { "k.\($0)" } }

    @Test("kinds accepted but never committed (a full disk) still count against the cap")
    func uncommittedKindsCount() {
        var announced = AnnouncedKinds(persisted: Set(kinds(0..<24)))
        // 1000 more in READYs of 50, over turns whose commits all fail: nothing is committed.
        for start in stride(from: 24, to: 1024, by: 50) {
            let batch = kinds(start..<(start + 50))
            #expect(announced.refusal(batch) == nil)
            announced.accept(batch)
        }
        #expect(announced.refusal(["k.new"])?.code == .tooManyKinds)
        #expect(announced.refusal(kinds(1000..<1024)) == nil, "kinds already accepted are never refused by the cap")

        announced.committed(Set(kinds(24..<1024)))
        #expect(announced.unpersisted.isEmpty && announced.persisted.count == 1024)
        #expect(announced.refusal(["k.new"])?.code == .tooManyKinds)
    }

    @Test("more kinds in one READY than a worker may serve are refused")
    func perWorkerCap() {
        let announced = AnnouncedKinds(persisted: [])
        #expect(announced.refusal(kinds(0..<65))?.code == .tooManyKinds)
        #expect(announced.refusal(kinds(0..<64)) == nil)
    }
}
