import Foundation
import Testing
@testable import ChungTayWire

@Suite struct TaskKindTests {
    @Test func theBuiltInKindsAreValidNamesSpelledAsThePeersKnowThem() {
        #expect(TaskKind.builtIn.map(\.rawValue) == ["system.echo", "household.review", "loan.status", "notify.emit"])
        #expect(TaskKind.batchSummary.rawValue == "batch.summary")
        #expect((TaskKind.builtIn + [.batchSummary]).allSatisfy { JobSpec.isValidKind($0.rawValue) })
    }

    /// A kind from the wire is any name: wrapping it neither checks nor changes it.
    @Test func anyNameWrapsAndComparesByItsText() throws {
        let kind = TaskKind(rawValue: "fz.crowd7.k1")
        #expect(kind.description == "fz.crowd7.k1")
        #expect(TaskKind(rawValue: "loan.status") == .loanStatus)
        #expect(Set<TaskKind>(["loan.status", .loanStatus]).count == 1)
        let encoded = try JSONEncoder().encode([TaskKind.notifyEmit, kind])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["notify.emit","fz.crowd7.k1"]"#)
        #expect(try JSONDecoder().decode([TaskKind].self, from: encoded) == [.notifyEmit, kind])
    }
}
