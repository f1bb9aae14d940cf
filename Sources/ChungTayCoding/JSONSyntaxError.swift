/// Why bytes are not one JSON value.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset where reading stopped.
    public let offset: Int
    public let message: String

    public var description: String { "\(message) at byte \(offset)" }
}
