public import Logging

/// A log handler that masks personal data in messages and metadata before handing them
/// to the real handler, so no code path can log a citizen ID in clear by accident.
public struct MaskingLogHandler: LogHandler {
    private var upstream: any LogHandler

    public init(wrapping upstream: any LogHandler) {
        self.upstream = upstream
    }

    public var logLevel: Logger.Level {
        get { upstream.logLevel }
        set { upstream.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { upstream.metadata }
        set { upstream.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { upstream[metadataKey: key] }
        set { upstream[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: PersonalDataMask.mask(event.message.description))
        event.metadata = event.metadata?.mapValues(Self.mask)
        upstream.log(event: event)
    }

    static func mask(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(PersonalDataMask.mask(text))
        case .stringConvertible(let convertible): .string(PersonalDataMask.mask(convertible.description))
        case .array(let values): .array(values.map(mask))
        case .dictionary(let values): .dictionary(values.mapValues(mask))
        }
    }
}
