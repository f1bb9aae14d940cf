@testable import ChungTayHTTPAPI
import HTTPTypes
import Testing

/// The `/v1/` routes resolve as docs/openapi.yaml spells them: captures with a literal
/// suffix, the most literal pattern first, 405 with the methods the path takes, 404 otherwise.
@Suite struct APIRouteTableTests {
    /// Job routes as the API registers them, each capture named after what it holds so a
    /// resolution shows which pattern won.
    private func table() -> APIRouteTable {
        let routes = [
            (.post, "/v1/jobs/{kind}"), (.get, "/v1/jobs/{id}"), (.post, "/v1/jobs/{batchKind}:batch"),
            (.post, "/v1/dead-letters:retry"), (.get, "/v1/dead-letters"), (.get, "/v1/households/{code}/results"),
        ] as [(HTTPRequest.Method, String)]
        return APIRouteTable(routes: routes.map { method, path in
            APIRouteTable.Route(method, path) { _, _ in throw HTTPProblem.notFound(path) }
        })
    }

    private func parameters(_ resolution: APIRouteTable.Resolution) -> [String: String]? {
        if case .route(_, let parameters) = resolution { return parameters }
        return nil
    }

    @Test func capturesAndSuffixes() {
        let table = table()
        #expect(parameters(table.resolve(.post, path: "/v1/jobs/loan.status")) == ["kind": "loan.status"])
        #expect(parameters(table.resolve(.get, path: "/v1/jobs/42")) == ["id": "42"])
        #expect(parameters(table.resolve(.post, path: "/v1/jobs/loan.status:batch")) == ["batchKind": "loan.status"])
        #expect(parameters(table.resolve(.post, path: "/v1/dead-letters:retry")) == [:])
        #expect(parameters(table.resolve(.get, path: "/v1/households/H%2001/results")) == ["code": "H 01"])
    }

    @Test func aSuffixAloneIsNoCapture() {
        // `:batch` with nothing before it is not `{kind}:batch`; it is a kind named ":batch".
        #expect(parameters(table().resolve(.post, path: "/v1/jobs/:batch")) == ["kind": ":batch"])
    }

    @Test func theMostLiteralPatternDecidesTheMethods() {
        guard case .methodNotAllowed(let allowed) = table().resolve(.get, path: "/v1/jobs/7:batch") else {
            Issue.record("GET of a :batch path must be 405, not a job id '7:batch'")
            return
        }
        #expect(allowed == [.post])
    }

    @Test func methodNotAllowedListsEveryMethodOfThePath() {
        guard case .methodNotAllowed(let allowed) = table().resolve(.delete, path: "/v1/jobs/42") else {
            Issue.record("DELETE /v1/jobs/42 must be 405")
            return
        }
        #expect(Set(allowed.map(\.rawValue)) == ["GET", "POST"])
    }

    @Test func unknownPathsAreNotFound() {
        let table = table()
        for path in ["/v1/jobs", "/v1/jobs/1/extra", "/v1/nothing", "/v1/households/H1", "/v1/households//results"] {
            guard case .notFound = table.resolve(.get, path: path[...]) else {
                Issue.record("\(path) must be not_found")
                continue
            }
        }
    }
}
