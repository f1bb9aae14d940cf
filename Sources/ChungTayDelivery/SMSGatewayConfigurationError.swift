/// A gateway setting that cannot be used, said so the operator knows what to change.
public struct SMSGatewayConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
