#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// One HTTP exchange as curl saw it: the status, the headers (names lowercased) and the body.
/// Shared with HTTPAPITests and the other HTTP system tests.
struct CurlResponse: CustomStringConvertible {
    var status: Int
    var headers: [String: String]
    var body: String

    /// The problem document's `code`, nil when the body is not one.
    var problemCode: String? {
        guard headers["content-type"]?.hasPrefix("application/problem+json") == true else { return nil }
        return (try? JSON.object(body))?["code"] as? String
    }

    var description: String { "HTTP \(status) \(headers) \(body.prefix(1000))" }
}

extension Sandbox {
    /// Runs `curl` (the real client a service would use) against the API: `-i` for the
    /// headers, `arguments` for the request and its credentials.
    func curl(_ arguments: [String]) throws -> CurlResponse {
        let child = try spawnTool("curl-\(UUID().uuidString.prefix(8))", "/usr/bin/curl", ["-sS", "-i", "--max-time", "30"] + arguments)
        guard child.waitForExit(timeout: .seconds(60)) else { throw HarnessError("curl \(arguments) did not finish") }
        guard child.exitStatus == 0 else { throw HarnessError("curl \(arguments) failed (\(child.exitDescription)): \(child.stderr)") }
        let text = child.stdout
        guard let split = text.range(of: "\r\n\r\n") else { throw HarnessError("curl printed no headers: \(text)") }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        guard let statusLine = head.first, let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw HarnessError("curl printed no status line: \(text)")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return CurlResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// The API's own listener (`--http`), from the dispatcher's `{"event":"listening","httpAddress":…}` line.
    func httpAddress(of dispatcher: DispatcherProcess) throws -> String {
        try eventually("the dispatcher's httpAddress line", timeout: .seconds(30)) { () -> String? in
            dispatcher.process.stdout.split(separator: "\n").lazy.compactMap { line in
                (try? JSON.object(String(line))).flatMap { $0["event"] as? String == "listening" ? $0["httpAddress"] as? String : nil }
            }.first
        }
    }

    /// `chungtay keys token` into the key directory; its digest copied into the allow
    /// directory as ROLE/NAME.token. Returns the token.
    func issueToken(_ name: String, role: KeyRole) throws -> String {
        let issued = try cli(["keys", "token", "--name", name, "--role", role.rawValue, "--out", keysDirectory.path + "/"])
        guard issued.status == 0 else { throw HarnessError("keys token failed: \(issued)") }
        let secret = keysDirectory.appendingPathComponent("\(name).token_secret")
        var status = stat()
        guard stat(secret.path, &status) == 0, status.st_mode & 0o077 == 0 else { throw HarnessError("\(secret.path) is not owner-only") }
        let digest = allowDirectory.appendingPathComponent(role.rawValue).appendingPathComponent("\(name).token")
        try FileManager.default.createDirectory(at: digest.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: keysDirectory.appendingPathComponent("\(name).token"), to: digest)
        return try String(contentsOf: secret, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A self-signed certificate and its key made by `openssl req -x509`, valid for 127.0.0.1.
    fileprivate func certificate(_ name: String) throws -> (certificate: URL, key: URL) {
        let certificate = root.appendingPathComponent("\(name).crt.pem")
        let key = root.appendingPathComponent("\(name).key.pem")
        let made = try spawnTool("openssl-\(name)", "/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path,
        ])
        guard made.waitForExit(timeout: .seconds(60)), made.exitStatus == 0 else { throw HarnessError("openssl req failed: \(made.stderr)") }
        guard chmod(key.path, 0o600) == 0 else { throw HarnessError("cannot chmod \(key.path)") }
        return (certificate, key)
    }

    /// A certificate that expired in 2020 (`openssl ca`, which alone of OpenSSL 3.0's commands
    /// takes explicit dates), self-signed like `certificate(_:)`'s.
    fileprivate func expiredCertificate(_ name: String) throws -> (certificate: URL, key: URL) {
        let directory = root.appendingPathComponent("ca-\(name)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("ca.cnf")
        try Data("""
            [ca]
            default_ca = ca_default
            [ca_default]
            database = \(directory.path)/index.txt
            new_certs_dir = \(directory.path)
            serial = \(directory.path)/serial
            policy = policy_any
            default_md = sha256
            [policy_any]
            commonName = supplied

            """.utf8).write(to: configuration)
        try Data().write(to: directory.appendingPathComponent("index.txt"))
        try Data("01\n".utf8).write(to: directory.appendingPathComponent("serial"))
        let key = root.appendingPathComponent("\(name).key.pem")
        let request = directory.appendingPathComponent("\(name).csr")
        let certificate = root.appendingPathComponent("\(name).crt.pem")
        for (step, arguments) in [
            ("req", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(name)",
                     "-keyout", key.path, "-out", request.path]),
            ("ca", ["ca", "-batch", "-config", configuration.path, "-selfsign", "-keyfile", key.path, "-in", request.path,
                    "-out", certificate.path, "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext"]),
        ] {
            let made = try spawnTool("openssl-\(name)-\(step)", "/usr/bin/openssl", arguments)
            guard made.waitForExit(timeout: .seconds(60)), made.exitStatus == 0 else { throw HarnessError("openssl \(step) failed: \(made.stderr)") }
        }
        return (certificate, key)
    }
}

extension SystemTests {
    /// Issue 15's identity over HTTP: bearer tokens and client certificates from the same
    /// allow directory as CURVE keys, naming the same principals, against a real dispatcher
    /// and real clients (curl, `chungtay`); nested in `SystemTests`, so serialized with every
    /// other system test, and selectable with `--filter HTTPIdentityTests`.
    @Suite struct HTTPIdentityTests {
        /// A token is its file's principal, the same as that name's CURVE key: `clients/bank`
        /// reads over HTTP the job its key submitted over ZeroMQ and the reverse, `clients/other`
        /// may read neither (403), an operator reads both and the dead letters; a missing, wrong
        /// or malformed token, and one whose file was removed before a SIGHUP, get 401.
        @Test func tokensNameTheSamePrincipalsAsKeysAndAreRefusedWhenWrongMissingOrRemoved() throws {
            let sandbox = try Sandbox("http-tokens")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let bankKey = try sandbox.generateKey("bank")
            let otherKey = try sandbox.generateKey("other")
            try sandbox.admit(bankKey, as: .clients)
            try sandbox.admit(otherKey, as: .clients)
            let bank = try sandbox.issueToken("bank", role: .clients)
            let other = try sandbox.issueToken("other", role: .clients)
            let operatorToken = try sandbox.issueToken("ops", role: .operators)
            let dispatcher = try sandbox.startCurveDispatcher(keys, extra: ["--http", "127.0.0.1:0"])
            let base = "http://" + (try sandbox.httpAddress(of: dispatcher))
            func get(_ path: String, _ headers: [String]) throws -> CurlResponse {
                try sandbox.curl(headers.flatMap { ["-H", $0] } + [base + path])
            }

            let payload = try sandbox.writeFile("payload.json", #"{"n":1}"#)
            let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", dispatcher.clientEndpoint] + keys.arguments(bankKey))
            let overZeroMQ = try #require(try jobIds(submitted).first, "\(submitted)")
            let posted = try sandbox.curl(["-H", "Authorization: Bearer \(bank)", "--data-binary", "@" + payload.path, base + "/v1/jobs/system.echo"])
            #expect(posted.status == 202, "\(posted)")
            let overHTTP = try #require(((try JSON.object(posted.body))["id"] as? String).flatMap { UInt64($0) }, "\(posted)")

            for id in [overZeroMQ, overHTTP] {
                let own = try get("/v1/jobs/\(id)", ["Authorization: Bearer \(bank)"])
                #expect(own.status == 200, "\(own)")
                // The document as `chungtay job` prints it: the id as a string.
                #expect(try JSON.object(own.body)["id"] as? String == String(id), "\(own)")
                let byCurve = try sandbox.cli(["job", String(id), "--connect", dispatcher.clientEndpoint] + keys.arguments(bankKey))
                #expect(byCurve.status == 0, "\(byCurve)")
                let foreign = try get("/v1/jobs/\(id)", ["Authorization: Bearer \(other)"])
                #expect(foreign.status == 403 && foreign.problemCode == "forbidden", "\(foreign)")
                expectRefused(try sandbox.cli(["job", String(id), "--connect", dispatcher.clientEndpoint] + keys.arguments(otherKey)), forbidden: true)
                let asOperator = try get("/v1/jobs/\(id)", ["Authorization: Bearer \(operatorToken)"])
                #expect(asOperator.status == 200, "\(asOperator)")
            }
            let deadLetters = try get("/v1/dead-letters", ["Authorization: bearer \(operatorToken)"])
            #expect(deadLetters.status == 200 && (try? JSONSerialization.jsonObject(with: Data(deadLetters.body.utf8))) is [Any], "\(deadLetters)")
            let notOperator = try get("/v1/dead-letters", ["Authorization: Bearer \(bank)"])
            #expect(notOperator.status == 403 && notOperator.problemCode == "forbidden", "\(notOperator)")

            let refusals: [(String, [String])] = [
                ("missing", []), ("wrong", ["Authorization: Bearer ctk_" + String(repeating: "A", count: 43)]),
                ("another scheme", ["Authorization: Basic YmFuazpwYXNz"]), ("not a b64token", ["Authorization: Bearer \(bank) extra"]),
            ]
            for (what, headers) in refusals {
                let refused = try get("/v1/jobs/\(overZeroMQ)", headers)
                #expect(refused.status == 401 && refused.problemCode == "unauthenticated", "\(what): \(refused)")
                #expect(refused.headers["www-authenticate"]?.hasPrefix("Bearer") == true, "\(what): \(refused)")
                #expect(!refused.body.contains(bank), "\(what): the refusal repeats the token")
            }

            // Revoked: the token's file removed, then SIGHUP; its CURVE key stays admitted.
            try FileManager.default.removeItem(at: sandbox.allowDirectory.appendingPathComponent("clients/bank.token"))
            sandbox.reloadAllowList(dispatcher)
            let revoked = try sandbox.eventually("the removed token refused") { () -> CurlResponse? in
                let answer = try get("/v1/jobs/\(overZeroMQ)", ["Authorization: Bearer \(bank)"])
                return answer.status == 200 ? nil : answer
            }
            #expect(revoked.status == 401 && revoked.problemCode == "unauthenticated", "\(revoked)")
            #expect(try sandbox.cli(["job", String(overZeroMQ), "--connect", dispatcher.clientEndpoint] + keys.arguments(bankKey)).status == 0)
            #expect(!sandbox.logs().contains(bank) && !sandbox.logs().contains(other), "a token reached a log")
        }

        /// `keys token --out FILE` writes the token there, owner-only, and its digest beside it;
        /// it never overwrites, and refuses a worker's token.
        @Test func keysTokenWritesAnOwnerOnlyTokenAndItsDigestAndNeverOverwrites() throws {
            let sandbox = try Sandbox("keys-token")
            defer { sandbox.close() }
            let tokenFile = sandbox.root.appendingPathComponent("bank-api-token")
            let issued = try sandbox.cli(["keys", "token", "--name", "bank", "--role", "clients", "--out", tokenFile.path])
            #expect(issued.status == 0 && issued.stdout.contains("clients/bank.token"), "\(issued)")
            var status = stat()
            #expect(stat(tokenFile.path, &status) == 0 && status.st_mode & 0o777 == 0o600)
            let token = try String(contentsOf: tokenFile, encoding: .utf8).trimmingCharacters(in: .newlines)
            #expect(token.hasPrefix("ctk_") && token.count == 47, "\(token)")
            let digest = try String(contentsOf: sandbox.root.appendingPathComponent("bank.token"), encoding: .utf8)
            #expect(digest.hasPrefix("sha256:") && digest.count == "sha256:".count + 64 + 1 && !digest.contains(token), "\(digest)")
            #expect(!issued.stdout.contains(token) && !issued.stderr.contains(token), "the token was printed")

            let again = try sandbox.cli(["keys", "token", "--name", "bank", "--role", "clients", "--out", tokenFile.path])
            #expect(again.status == 1 && again.stderr.contains("exists already"), "\(again)")
            #expect(try String(contentsOf: tokenFile, encoding: .utf8).hasPrefix(token))
            let worker = try sandbox.cli(["keys", "token", "--name", "w", "--role", "workers", "--out", sandbox.root.path])
            #expect(worker.status == 2 && worker.stderr.contains("clients or operators"), "\(worker)")
        }

        /// Over TLS, a listed client certificate is its file's principal (the same as that name's
        /// CURVE key); an unlisted or expired one passes
        /// the handshake and gets a 401 problem, as does a request with no certificate and no token.
        @Test func aListedClientCertificateIsItsPrincipalAndAnUnlistedOrExpiredOneIsRefused() throws {
            let sandbox = try Sandbox("http-certificates")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let bankKey = try sandbox.generateKey("bank")
            let otherKey = try sandbox.generateKey("other")
            try sandbox.admit(bankKey, as: .clients)
            try sandbox.admit(otherKey, as: .clients)
            let server = try sandbox.certificate("server")
            let bank = try sandbox.certificate("bank")
            let stranger = try sandbox.certificate("stranger")
            let expired = try sandbox.expiredCertificate("expired")
            try FileManager.default.copyItem(at: bank.certificate, to: sandbox.allowDirectory.appendingPathComponent("clients/bank.crt"))
            try FileManager.default.copyItem(at: expired.certificate, to: sandbox.allowDirectory.appendingPathComponent("clients/expired.crt"))
            let operatorToken = try sandbox.issueToken("ops", role: .operators)
            let dispatcher = try sandbox.startCurveDispatcher(keys, extra: [
                "--http", "127.0.0.1:0", "--http-tls-certificate", server.certificate.path, "--http-tls-key", server.key.path,
            ])
            let base = "https://" + (try sandbox.httpAddress(of: dispatcher))
            let trust = ["--cacert", server.certificate.path]
            let payload = try sandbox.writeFile("payload.json", #"{"n":2}"#)

            let posted = try sandbox.curl(trust + ["--cert", bank.certificate.path, "--key", bank.key.path, "--data-binary", "@" + payload.path,
                                                   base + "/v1/jobs/system.echo"])
            #expect(posted.status == 202, "\(posted)")
            let id = try #require((try JSON.object(posted.body))["id"] as? String, "\(posted)")
            let own = try sandbox.curl(trust + ["--cert", bank.certificate.path, "--key", bank.key.path, base + "/v1/jobs/\(id)"])
            #expect(own.status == 200, "\(own)")
            // Recorded as clients/bank's: bank's CURVE key reads it, another client's key may not.
            let byCurve = try sandbox.cli(["job", String(id), "--connect", dispatcher.clientEndpoint] + keys.arguments(bankKey))
            #expect(byCurve.status == 0, "\(byCurve)")
            expectRefused(try sandbox.cli(["job", String(id), "--connect", dispatcher.clientEndpoint] + keys.arguments(otherKey)), forbidden: true)
            let asOperator = try sandbox.curl(trust + ["-H", "Authorization: Bearer \(operatorToken)", base + "/v1/jobs/\(id)"])
            #expect(asOperator.status == 200, "\(asOperator)")
            let notOperator = try sandbox.curl(trust + ["--cert", bank.certificate.path, "--key", bank.key.path, base + "/v1/status"])
            #expect(notOperator.status == 403 && notOperator.problemCode == "forbidden", "\(notOperator)")

            let unlisted = try sandbox.curl(trust + ["--cert", stranger.certificate.path, "--key", stranger.key.path, base + "/v1/jobs/\(id)"])
            #expect(unlisted.status == 401 && unlisted.problemCode == "unauthenticated", "\(unlisted)")
            #expect(unlisted.body.contains("not listed"), "\(unlisted)")
            let late = try sandbox.curl(trust + ["--cert", expired.certificate.path, "--key", expired.key.path, base + "/v1/jobs/\(id)"])
            #expect(late.status == 401 && late.body.contains("expired"), "\(late)")
            let none = try sandbox.curl(trust + [base + "/v1/jobs/\(id)"])
            #expect(none.status == 401 && none.problemCode == "unauthenticated", "\(none)")
            // A listed certificate with a token of another principal is refused, not judged by either.
            let mixed = try sandbox.curl(trust + ["--cert", bank.certificate.path, "--key", bank.key.path,
                                                  "-H", "Authorization: Bearer \(operatorToken)", base + "/v1/jobs/\(id)"])
            #expect(mixed.status == 401 && mixed.body.contains("different principals"), "\(mixed)")
        }

        /// Plain HTTP beyond loopback is refused at start, saying what to add; TLS with the
        /// allow directory, or `--insecure`, serves there. The TLS key must be owner-only.
        @Test func plainHTTPBeyondLoopbackIsRefusedWithoutInsecure() throws {
            let sandbox = try Sandbox("http-exposure")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let server = try sandbox.certificate("server")
            let curve = ["--curve-secret", keys.server.secretFile.path, "--allow", keys.allowDirectory.path]
            let common = ["dispatcher", "--data-dir", sandbox.dataDir.path, "--client-endpoint", "tcp://127.0.0.1:*",
                          "--worker-endpoint", "tcp://127.0.0.1:*", "--log-endpoint", "none"]

            let plain = try sandbox.cli(common + curve + ["--http", "0.0.0.0:0"])
            #expect(plain.status == 2 && plain.stderr.contains("not a loopback address") && plain.stderr.contains("--insecure")
                    && plain.stderr.contains("--http-tls-certificate"), "\(plain)")
            let anonymous = try sandbox.cli(common + ["--http", "0.0.0.0:0"])
            #expect(anonymous.status == 2 && anonymous.stderr.contains("--allow"), "\(anonymous)")

            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: server.key.path)
            let readableKey = try sandbox.cli(common + curve + [
                "--http", "127.0.0.1:0", "--http-tls-certificate", server.certificate.path, "--http-tls-key", server.key.path,
            ])
            #expect(readableKey.status != 0 && readableKey.stderr.contains("readable by others"), "\(readableKey)")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: server.key.path)

            let tls = try sandbox.startCurveDispatcher(keys, extra: [
                "--http", "0.0.0.0:0", "--http-tls-certificate", server.certificate.path, "--http-tls-key", server.key.path,
            ])
            let port = try #require(try sandbox.httpAddress(of: tls).split(separator: ":").last)
            let unauthenticated = try sandbox.curl(["--cacert", server.certificate.path, "https://127.0.0.1:\(port)/v1/status"])
            #expect(unauthenticated.status == 401, "\(unauthenticated)")
            tls.process.stop()

            let insecure = try sandbox.startDispatcher(name: "insecure", extra: ["--http", "0.0.0.0:0", "--insecure"])
            let insecurePort = try #require(try sandbox.httpAddress(of: insecure).split(separator: ":").last)
            let open = try sandbox.curl(["http://127.0.0.1:\(insecurePort)/v1/status"])
            #expect(open.status == 200, "\(open)")
        }
    }
}
