public import HTTPTypes
public import Hummingbird

/// The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header):
/// 1 to 255 bytes of printable ASCII, given at most once; anything else is 400 `bad_request`,
/// never a job submitted without the key its caller meant it to have.
public enum IdempotencyKeyHeader {
    public static let name = HTTPField.Name("Idempotency-Key")!
    public static let maxLength = 255

    /// The key, nil when the header is absent.
    public static func value(of request: Request) throws(HTTPProblem) -> String? {
        let values = request.headers[values: name]
        guard values.count <= 1 else { throw .badRequest("Idempotency-Key is given \(values.count) times") }
        guard let key = values.first else { return nil }
        guard (1...maxLength).contains(key.utf8.count), key.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw .badRequest("Idempotency-Key must be 1 to \(maxLength) bytes of printable ASCII")
        }
        return key
    }
}
