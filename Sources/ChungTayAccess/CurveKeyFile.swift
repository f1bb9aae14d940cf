import Foundation
public import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// CURVE keys as files, like czmq's certificates but plain: `NAME.key` holds the public
/// key and `NAME.key_secret` the secret key, each as one Z85 line. Lines after the first
/// that start with `#` are comments; an allow-list's worker key may carry a `kinds:` line
/// (``AllowList``), which this reader leaves to its caller.
public enum CurveKeyFile {
    public static let publicSuffix = ".key"
    public static let secretSuffix = ".key_secret"
    /// A key file is one line and perhaps a few more; anything bigger is not one.
    static let maxFileBytes = 4096

    /// Writes a new key pair as `DIR/NAME.key` and `DIR/NAME.key_secret`. The secret file
    /// is created with mode 0600 by `open` itself (never readable by others, not even
    /// between creation and a chmod), neither file may exist already, and both are
    /// fsynced with their directory before this returns.
    public static func generate(name: String, in directory: String) throws(KeyFileError) -> (publicPath: String, secretPath: String) {
        guard isValidName(name) else {
            throw KeyFileError("key name '\(name)' must be 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'")
        }
        let keyPair: CurveKeyPair
        do {
            keyPair = try CurveKeyPair.generate()
        } catch {
            throw KeyFileError("cannot generate a CURVE key pair: \(error)")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw KeyFileError("cannot create \(directory): \(error.localizedDescription)")
        }
        let publicPath = (directory as NSString).appendingPathComponent(name + publicSuffix)
        let secretPath = (directory as NSString).appendingPathComponent(name + secretSuffix)
        // The secret first: a run that fails half-way leaves no public key without its secret.
        try SecretFile.create(keyPair.secretKey + "\n", at: secretPath, mode: 0o600)
        try SecretFile.create(keyPair.publicKey + "\n", at: publicPath, mode: 0o644)
        try SecretFile.syncDirectory(directory)
        return (publicPath, secretPath)
    }

    /// The public key in `path`: its first line, which must be a Z85 key.
    public static func readPublicKey(path: String) throws(KeyFileError) -> String {
        try key(in: lines(of: path), path: path)
    }

    /// The key pair of a secret key file; the public half is derived from the secret.
    /// Refuses a secret file that others may read (as ssh does), since it would have leaked;
    /// the mode is that of the file actually read (``contents(of:)``), not of a path looked at before.
    public static func readKeyPair(secretPath path: String) throws(KeyFileError) -> CurveKeyPair {
        let file = try contents(of: path)
        try SecretFile.requireOwnerOnly(file, path: path, replace: "the key")
        let secretKey = try key(in: lines(in: file.data, path: path), path: path)
        do {
            return CurveKeyPair(publicKey: try CurveKeyPair.publicKey(forSecret: secretKey), secretKey: secretKey)
        } catch {
            throw KeyFileError("\(path): cannot derive the public key: \(error)")
        }
    }

    /// The file's lines, trimmed, without blank lines and `#` comments.
    static func lines(of path: String) throws(KeyFileError) -> [Substring] {
        try lines(in: contents(of: path).data, path: path)
    }

    static func lines(in data: [UInt8], path: String) throws(KeyFileError) -> [Substring] {
        guard let text = String(validating: data, as: UTF8.self) else { throw KeyFileError("\(path) is not UTF-8 text: not a key file") }
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces)[...] }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// A key file's bytes and mode, both from one open descriptor (``SecretFile``).
    static func contents(of path: String) throws(KeyFileError) -> SecretFile.Contents {
        try SecretFile.contents(of: path, maxBytes: maxFileBytes, what: "a key file")
    }

    static func key(in lines: [Substring], path: String) throws(KeyFileError) -> String {
        guard let first = lines.first, CurveKeyPair.isValidKey(String(first)) else {
            throw KeyFileError("\(path) does not start with a Z85 CURVE key (40 characters)")
        }
        return String(first)
    }

    /// Letters, digits, '.', '_' and '-', as file names and log fields take them safely.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && !name.hasPrefix(".")
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "-")
            }
    }
}

/// A key file that cannot be written or read, with what to do about it.
public struct KeyFileError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
