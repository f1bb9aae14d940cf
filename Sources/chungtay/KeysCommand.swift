import ArgumentParser
import ChungTayAccess
import Foundation
import ZeroMQ

/// `chungtay keys`: the CURVE key files that the dispatcher's allow-list and every peer's
/// `--key` and `--server-key` read.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Generate and show CURVE key files (NAME.key public, NAME.key_secret secret, one Z85 line each).",
        subcommands: [Generate.self, Show.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
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
                FileHandle.standardError.write(Data("chungtay: \(error)\n".utf8))
                throw ExitCode.failure
            }
            printKey(try CurveKeyFile.readPublicKey(path: paths.publicPath))
            print("wrote \(paths.publicPath) (share it) and \(paths.secretPath) (keep it on this machine only)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key file's public key and its short id (a secret file's public half is derived).")

        @Argument(help: "A NAME.key or NAME.key_secret file.") var file: String

        func run() throws {
            let key: String
            do {
                key = file.hasSuffix(CurveKeyFile.secretSuffix)
                    ? try CurveKeyFile.readKeyPair(secretPath: file).publicKey
                    : try CurveKeyFile.readPublicKey(path: file)
            } catch {
                FileHandle.standardError.write(Data("chungtay: \(error)\n".utf8))
                throw ExitCode.failure
            }
            printKey(key)
        }
    }
}

/// A public key as `keys` prints it, with the short id that logs name it by.
private func printKey(_ key: String) {
    print("public key  \(key)")
    print("short id    \(CurveKeyPair.shortId(ofPublicKey: key) ?? "?")")
}
