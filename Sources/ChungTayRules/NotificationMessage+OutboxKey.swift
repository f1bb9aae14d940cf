public import ChungTayWire
import ChungTayCoding

extension NotificationMessage {
    /// The key the dispatcher's outbox de-duplicates this notification by, and the day it
    /// expires, which follows from the key's shape (rule data `keyExpiry`): the last day its
    /// rightmost date names (a `YYYY-MM-DD` field, or the month's last day for `YYYY-MM`),
    /// or, for a key without a date, `undatedKeyLifeDays` after the as-of date.
    public func outboxKey(rules: RuleBook) -> OutboxKey {
        let expiresOn = Self.keyDate(dedupKey) ?? asOf.adding(days: rules.notificationRules.undatedKeyLifeDays)
        return OutboxKey(dedupKey: Self.wireKey(dedupKey, type: type), expiresOn: Int32(clamping: expiresOn.dayNumber))
    }

    /// The last day named by the rightmost field that is a date or a month.
    static func keyDate(_ key: String) -> CivilDate? {
        for field in key.split(separator: "|", omittingEmptySubsequences: false).reversed() {
            if field.utf8.count == 10, let date = CivilDate(iso: String(field)) { return date }
            if field.utf8.count == 7, let first = CivilDate(iso: field + "-01") {
                return CivilDate(year: first.year, month: first.month, day: CivilDate.daysInMonth(year: first.year, month: first.month))
            }
        }
        return nil
    }

    /// The key as the wire carries it: as it is, or, beyond `OutboxKey.maximumBytes` (an
    /// id from a list of that length), the type and a 64-bit hash of the whole key, which
    /// still tells repeats apart.
    static func wireKey(_ key: String, type: NotificationType) -> String {
        guard key.utf8.count > OutboxKey.maximumBytes else { return key }
        var hash = FNV1a()
        hash.add(key.utf8)
        return type.rawValue + "|#" + String(hash.value, radix: 16)
    }
}
