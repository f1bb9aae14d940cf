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

    /// The last day named by the rightmost field that is a date (`YYYY-MM-DD`) or a month
    /// (`YYYY-MM`). Read as bytes, without splitting the key: every notification of a
    /// batch's 1,000,000 households passes here.
    static func keyDate(_ key: String) -> CivilDate? {
        var key = key
        return key.withUTF8 { bytes -> CivilDate? in
            var end = bytes.count
            while end > 0 {
                var start = end
                while start > 0, bytes[start - 1] != UInt8(ascii: "|") { start -= 1 }
                if let date = date(bytes, start, end) { return date }
                end = start - 1
            }
            return nil
        }
    }

    /// The field `bytes[start..<end]` as a date, or a month's last day; nil when it is neither.
    private static func date(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> CivilDate? {
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for index in from..<(from + count) {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        let length = end - start
        guard length == 7 || length == 10, bytes[start + 4] == UInt8(ascii: "-"),
            let year = number(start, 4), let month = number(start + 5, 2), (1...12).contains(month)
        else { return nil }
        if length == 7 { return CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month)) }
        guard bytes[start + 7] == UInt8(ascii: "-"), let day = number(start + 8, 2) else { return nil }
        return CivilDate(year: year, month: month, day: day)
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
