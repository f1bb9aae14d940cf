/// A task payload read once into a JSON object, so that a handler can tell a batch
/// stage payload (it has a top-level `batch` member, docs/BATCH.md) from a
/// single-record one and hand it on without parsing the bytes again.
public struct ParsedPayload: Sendable {
    let object: JSONObject

    /// - Throws: `payload_invalid` when the bytes are not one JSON object.
    public init(_ bytes: [UInt8]) throws(TaskRejection) {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONReader.parse(bytes)
        } catch {
            throw .payloadInvalid("payload is not JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let object) = value else { throw .payloadInvalid("payload is not a JSON object") }
        self.object = object
    }

    /// The payload is for `BatchStage` rather than for the kind's single-record task.
    public var isBatchStage: Bool { object["batch"] != nil }
}
