/// How a process writes its log lines on standard error (`--log-format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// `TIME LEVEL role[worker] message key=value…`, for people.
    case text
    /// One `LogRecord` JSON object per line, for tools.
    case json
}
