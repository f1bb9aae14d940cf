import Foundation

/// The JSON coding of the reply documents built from Codable types (STATUS-REPORT,
/// BATCH-INFO) and of the batch summary document: keys sorted, so that the same values
/// always give the same bytes, which tests and peers may compare.
public enum ReplyJSON {
    /// - Throws: `encoding_failed` for a value JSON cannot hold (a non-finite number): a
    ///   fault of the sender, which reports it rather than sending something else.
    public static func encode<Value: Encodable>(_ value: Value, escapingSlashes: Bool) throws(WireError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw WireError(.encodingFailed, "cannot encode \(Value.self) as JSON: \(error)")
        }
    }

    /// - Throws: `malformed` when the document is not JSON of the reply's shape.
    public static func decode<Value: Decodable>(_ type: Value.Type, from json: [UInt8]) throws(WireError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(json))
        } catch {
            throw WireError(.malformed, "\(type) document is not valid: \(error)")
        }
    }
}
