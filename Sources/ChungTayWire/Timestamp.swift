public import Foundation

/// RFC 3339 timestamps in UTC with milliseconds, as stored documents carry them (`processedAt`).
public enum Timestamp {
    public static func now() -> String {
        rfc3339(Date())
    }

    public static func rfc3339(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
