package import ChungTayCoding

/// A task payload read once into a JSON object, so that a handler can tell a batch
/// stage payload (it has a top-level `batch` member, docs/BATCH.md) from a
/// single-record one and hand it on without parsing the bytes again.
public struct ParsedPayload: Sendable {
    package let object: JSONObject
    /// The bytes read, and where each member of `object` is in them (same order): a
    /// stage hands a list on by copying its bytes when they are what writing it would give.
    let bytes: [UInt8]
    let rawMembers: [JSONReader.RawMember]

    /// - Throws: `payload_invalid` when the bytes are not one JSON object.
    public init(_ bytes: [UInt8]) throws(TaskRejection) {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            (value, rawMembers) = try JSONReader.parseRecordingMembers(bytes, checking: Self.handedOn)
        } catch {
            throw .payloadInvalid("payload is not JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let object) = value else { throw .payloadInvalid("payload is not a JSON object") }
        self.object = object
        self.bytes = bytes
    }

    /// The top-level members batch stages hand on to the next stage (docs/BATCH.md):
    /// `batch` always, the loan items in stage A, the review notices in stage B.
    static let handedOn: Set<Int> = Set(["batch", "loans", "reviews"].map { KnownKeys.index(of: $0)! })

    /// The payload is for `BatchStage` rather than for the kind's single-record task.
    public var isBatchStage: Bool { object["batch"] != nil }

    /// The bytes of `object[key]` when writing that value with `JSONWriter.value` would
    /// give exactly them; nil otherwise, and when there is no such member.
    package func canonicalBytes(of key: String) -> ArraySlice<UInt8>? {
        // The last member with the key, as `JSONObject`'s subscript finds it.
        guard let position = object.members.lastIndex(where: { $0.key == key }), rawMembers.count == object.members.count,
            rawMembers[position].canonical
        else { return nil }
        return bytes[rawMembers[position].range]
    }
}
