public import Hummingbird

/// The query parameters docs/openapi.yaml defines, read with their bounds: anything else in
/// the value (a sign, a fraction, a repeat of the parameter) is 400 `bad_request`, never
/// clamped or half-read.
public enum APIQuery {
    /// Most seconds a `?wait=` may ask for.
    public static let maxWaitSeconds = 60

    /// `?wait=S`, an integer from 0 to 60; nil when absent.
    public static func waitSeconds(_ request: Request) throws(HTTPProblem) -> Int? {
        guard let text = try single("wait", of: request) else { return nil }
        guard let seconds = boundedInteger(text, in: 0...maxWaitSeconds) else {
            throw .badRequest("wait must be an integer from 0 to \(maxWaitSeconds) (seconds)")
        }
        return seconds
    }

    /// The parameter's one value, nil when absent; 400 when it is given twice.
    public static func single(_ name: String, of request: Request) throws(HTTPProblem) -> String? {
        let values = request.uri.queryParameters[values: Substring(name)]
        guard values.count <= 1 else { throw .badRequest("\(name) is given \(values.count) times") }
        return values.first.map(String.init)
    }

    /// Decimal digits only (at most 19, so no arithmetic overflows), within `range`.
    public static func boundedInteger(_ text: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text) else {
            return nil
        }
        return range.contains(value) ? value : nil
    }
}
