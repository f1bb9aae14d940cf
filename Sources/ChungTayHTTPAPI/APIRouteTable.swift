import Foundation
public import HTTPTypes
public import Hummingbird

/// The `/v1/` routes, as docs/openapi.yaml spells their paths (`/v1/jobs/{job}:batch`,
/// `/v1/dead-letters:retry`), resolved here rather than in Hummingbird's trie: a segment that
/// is a capture with a literal suffix (`{job}:batch`) and a plain capture (`{job}`) of the
/// same method would be tried in registration order there, and only a table that knows
/// every path can tell a missing route (404 `not_found`) from a method the path does not
/// take (405 `method_not_allowed` with `Allow`).
public final class APIRouteTable: Sendable {
    public typealias Handler = @Sendable (Request, APIRequestContext) async throws -> Response

    /// One route: a method and a path pattern.
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var pattern: [Segment]
        var handler: Handler

        /// - Parameter path: `/v1/…`, segments literal or `{name}` with an optional literal
        ///   suffix (`{batch}:seal`).
        init(_ method: HTTPRequest.Method, _ path: String, handler: @escaping Handler) {
            precondition(path.hasPrefix("/v1/"), "API routes live under /v1/")
            self.method = method
            pattern = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(Segment.init)
            self.handler = handler
        }
    }

    /// A path segment of a pattern.
    enum Segment: Sendable, Equatable {
        case literal(String)
        /// `{name}` followed by `suffix` (empty for a plain capture); the capture is never empty.
        case capture(name: String, suffix: String)

        init(_ text: Substring) {
            if text.hasPrefix("{"), let close = text.firstIndex(of: "}") {
                self = .capture(name: String(text[text.index(after: text.startIndex)..<close]), suffix: String(text[text.index(after: close)...]))
            } else {
                self = .literal(String(text))
            }
        }

        /// The captured value, "" for a literal that matches, nil when it does not match.
        func match(_ segment: Substring) -> Substring? {
            switch self {
            case .literal(let text): return segment == text ? "" : nil
            case .capture(_, let suffix):
                guard segment.hasSuffix(suffix), segment.utf8.count > suffix.utf8.count else { return nil }
                return segment.dropLast(suffix.count)
            }
        }
    }

    /// What a request's method and path come to.
    public enum Resolution: Sendable {
        case route(Handler, parameters: [String: String])
        case methodNotAllowed([HTTPRequest.Method])
        case notFound
    }

    private let routes: [Route]

    init(routes: [Route]) {
        self.routes = routes
    }

    /// The route for `method` and `path` (the path without its query). Of the patterns the
    /// path matches only the most literal ones count (`/v1/dead-letters:retry` before
    /// `/v1/dead-letters/{id}`; `GET /v1/jobs/7:batch` is a 405, not a job id `7:batch`).
    public func resolve(_ method: HTTPRequest.Method, path: Substring) -> Resolution {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var matches: [(route: Route, parameters: [String: String])] = []
        var mostLiterals = -1
        for route in routes where route.pattern.count == segments.count {
            guard let (parameters, literals) = Self.match(route.pattern, segments) else { continue }
            if literals > mostLiterals { matches.removeAll() }
            if literals >= mostLiterals {
                mostLiterals = literals
                matches.append((route, parameters))
            }
        }
        if let match = matches.first(where: { $0.route.method == method }) {
            return .route(match.route.handler, parameters: match.parameters)
        }
        return matches.isEmpty ? .notFound : .methodNotAllowed(matches.map(\.route.method))
    }

    /// The captures and the count of literal segments and suffixes, or nil when `segments` do not match.
    private static func match(_ pattern: [Segment], _ segments: ArraySlice<Substring>) -> ([String: String], Int)? {
        var parameters: [String: String] = [:]
        var literals = 0
        for (segment, text) in zip(pattern, segments) {
            guard let value = segment.match(text) else { return nil }
            switch segment {
            case .literal: literals += 1
            case .capture(let name, let suffix):
                if !suffix.isEmpty { literals += 1 }
                guard let decoded = String(value).removingPercentEncoding else { return nil }
                parameters[name] = decoded
            }
        }
        return (parameters, literals)
    }
}
