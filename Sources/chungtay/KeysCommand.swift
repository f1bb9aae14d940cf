import ArgumentParser
import ChungTayAccess
import ChungTayHTTPAPI
import Foundation
import ZeroMQ

/// `chungtay keys`: the CURVE key files that the dispatcher's allow-list and every peer's
/// `--key` and `--server-key` read, and the bearer tokens of the HTTP API.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: """
            Generate and show CURVE key files (NAME.key public, NAME.key_secret secret, one Z85 line each), \
            and issue HTTP bearer tokens (NAME.token digest, NAME.token_secret token).
            """,
        subcommands: [Generate.self, Show.self, Token.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a new key pair as DIR/NAME.key and DIR/NAME.key_secret (mode 0600 from its creation); never overwrites.")

        @Option(help: "The key's name: 1 to 64 letters, digits, '.', '_' or '-'; the allow-list knows the peer by it.") var name: String
        @Option(help: "The directory to write both files in (created if missing).") var out: String

        func validate() throws {
            guard CurveKeyFile.isValidName(name) else {
                throw ValidationError("--name must be 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'")
            }
        }

        func run() throws {
            let paths: (publicPath: String, secretPath: String)
            do {
                paths = try CurveKeyFile.generate(name: name, in: out)
            } catch {
                StandardStreams.error("chungtay: \(error)\n")
                throw ExitCode.failure
            }
            printKey(try CurveKeyFile.readPublicKey(path: paths.publicPath))
            print("wrote \(paths.publicPath) (share it) and \(paths.secretPath) (keep it on this machine only)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print a key file's public key and its short id (a secret file's public half is derived).")

        @Argument(help: "A NAME.key or NAME.key_secret file.") var file: String

        func run() throws {
            let key: String
            do {
                key = file.hasSuffix(CurveKeyFile.secretSuffix)
                    ? try CurveKeyFile.readKeyPair(secretPath: file).publicKey
                    : try CurveKeyFile.readPublicKey(path: file)
            } catch {
                StandardStreams.error("chungtay: \(error)\n")
                throw ExitCode.failure
            }
            printKey(key)
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Issue a bearer token for the HTTP API: the token (secret) and its SHA-256 line for the allow directory.",
            discussion: """
                With --out DIR, writes DIR/NAME.token_secret (the token, mode 0600 from its creation: give it to \
                the service, which sends it as 'Authorization: Bearer TOKEN') and DIR/NAME.token (one \
                'sha256:<hex>' line: copy it into the dispatcher's allow directory as ROLE/NAME.token, then \
                SIGHUP the dispatcher). With --out FILE (a path that is neither an existing directory nor ends \
                with '/'), the token goes to FILE and NAME.token beside it. Never overwrites; the principal \
                ROLE/NAME is the same as ROLE/NAME.key's, so a service with both owns the same jobs over ZeroMQ and HTTP.
                """)

        @Option(help: "The token's name: 1 to 64 letters, digits, '.', '_' or '-'; the allow directory knows the caller by it.") var name: String
        @Option(help: "clients or operators: the allow directory's subdirectory the NAME.token line belongs in.") var role: String
        @Option(help: "An existing directory (or DIR/, created) for NAME.token_secret and NAME.token, or the token file's path.") var out: String

        func validate() throws {
            guard CurveKeyFile.isValidName(name) else {
                throw ValidationError("--name must be 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'")
            }
            guard role == PeerRole.clients.rawValue || role == PeerRole.operators.rawValue else {
                throw ValidationError("--role must be clients or operators (workers do not call the HTTP API)")
            }
        }

        func run() throws {
            let (secretPath, digestPath) = paths()
            guard secretPath != digestPath else {
                throw ValidationError("--out \(out) would put the token where its digest goes: name another file for the token")
            }
            let token = HTTPBearerToken.generate()
            do {
                try FileManager.default.createDirectory(atPath: (digestPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try TokenFile.write(token: token, digest: HTTPBearerToken.digest(of: token), secretPath: secretPath, digestPath: digestPath)
            } catch {
                StandardStreams.error("chungtay: \(error)\n")
                throw ExitCode.failure
            }
            print("wrote \(secretPath) (the bearer token: give it to the service, keep it secret)")
            print("wrote \(digestPath) (copy it into the allow directory as \(role)/\(name)\(TokenFile.suffix), then SIGHUP the dispatcher)")
        }

        /// Where the token and its digest go: into `--out` when it is an existing directory or
        /// ends with `/`, else the token at `--out` and the digest beside it.
        private func paths() -> (secret: String, digest: String) {
            var isDirectory: ObjCBool = false
            let named = out as NSString
            guard out.hasSuffix("/") || FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) && isDirectory.boolValue else {
                let directory = named.deletingLastPathComponent.isEmpty ? "." : named.deletingLastPathComponent
                return (out, (directory as NSString).appendingPathComponent(name + TokenFile.suffix))
            }
            return (named.appendingPathComponent(name + TokenFile.secretSuffix), named.appendingPathComponent(name + TokenFile.suffix))
        }
    }
}

/// A public key as `keys` prints it, with the short id that logs name it by.
private func printKey(_ key: String) {
    print("public key  \(key)")
    print("short id    \(CurveKeyPair.shortId(ofPublicKey: key) ?? "?")")
}
