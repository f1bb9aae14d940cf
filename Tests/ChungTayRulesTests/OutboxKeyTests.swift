import ChungTayCoding
import ChungTayWire
import Testing
@testable import ChungTayRules

/// A notification's outbox key and its expiry, which follows from the key's shape.
@Suite struct OutboxKeyTests {
    @Test func theExpiryIsTheLastDayTheKeysRightmostDateNames() {
        #expect(NotificationMessage.keyDate("due_reminder|L1|2026-12-05") == CivilDate(year: 2026, month: 12, day: 5))
        #expect(NotificationMessage.keyDate("overdue_notice|L1|2026-02|2") == CivilDate(year: 2026, month: 2, day: 28))
        #expect(NotificationMessage.keyDate("supplement_candidate|H|2028-02") == CivilDate(year: 2028, month: 2, day: 29))
        #expect(NotificationMessage.keyDate("data_correction|2025-01-01|2026-11") == CivilDate(year: 2026, month: 11, day: 30))
        #expect(NotificationMessage.keyDate("list_change|H|poor>near_poor") == nil)
        #expect(NotificationMessage.keyDate("x|2026-13|2026-02-30|20a6-01|") == nil)
        #expect(NotificationMessage.keyDate("") == nil)
    }

    @Test func aKeyTooLongForTheWireTravelsAsItsTypeAndAHash() {
        #expect(NotificationMessage.wireKey("list_change|H|poor>near_poor", type: .listChange) == "list_change|H|poor>near_poor")
        let long = "due_reminder|" + String(repeating: "L", count: OutboxKey.maximumBytes) + "|2026-12-05"
        let hashed = NotificationMessage.wireKey(long, type: .dueReminder)
        #expect(hashed.hasPrefix("due_reminder|#") && hashed.utf8.count <= OutboxKey.maximumBytes)
        #expect(hashed != NotificationMessage.wireKey(long + "x", type: .dueReminder), "repeats still told apart")
    }
}
