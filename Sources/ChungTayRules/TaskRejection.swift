import ChungTayCoding
import ChungTayWire

/// Why a task's payload cannot be processed at all. A record that fails its checks is
/// not rejected (it yields a result with error flags); a rejection means there is no
/// record or no rule set to judge it by, so retrying the same payload cannot help.
public struct TaskRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// `payload_invalid`, `no_standard` or `standard_unknown`.
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public static let noStandardCode = "no_standard"
    public static let standardUnknownCode = "standard_unknown"

    static func payloadInvalid(_ message: String) -> TaskRejection {
        TaskRejection(code: WireError.Code.payloadInvalid.rawValue, message: message)
    }

    static func noStandard(covering date: CivilDate) -> TaskRejection {
        TaskRejection(code: noStandardCode, message: "no poverty standard covers \(date)")
    }

    static func standardUnknown(_ id: String, known: [String]) -> TaskRejection {
        TaskRejection(
            code: standardUnknownCode,
            message: "unknown poverty standard \"\(id)\" (known: \(known.joined(separator: ", ")))"
        )
    }

    public var description: String { "\(code): \(message)" }
}
