/// How much a flag matters: an `error` stops classification or loan computation,
/// a `warning` is reported alongside a normal result, `info` records what was applied.
public enum Severity: String, Sendable, CaseIterable {
    case error
    case warning
    case info
}
