/// A rule file that cannot be used. Raised when the rules are loaded, so a bad file
/// swapped in by an office stops the service at start-up with the file and the field
/// to fix, instead of producing wrong reviews later.
public struct RuleDataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The rule file's name, e.g. `standard-2022-2025.json`.
    public let file: String
    /// The path of the offending field inside the file, e.g. `incomeThresholds.rural.povertyLine`;
    /// empty when the file as a whole is at fault (missing, not JSON).
    public let field: String
    public let message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "rule file \(file): \(message)" : "rule file \(file), field \(field): \(message)"
    }
}
