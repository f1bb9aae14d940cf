/// Bearer tokens as files, beside the CURVE key files: `NAME.token_secret` holds the token
/// itself (one line, owner-only: the service that calls the HTTP API reads it) and `NAME.token`
/// its ``TokenDigest`` line, which goes into the allow directory as `clients/NAME.token` or
/// `operators/NAME.token`. Lines that start with `#` are comments.
public enum TokenFile {
    public static let suffix = ".token"
    public static let secretSuffix = ".token_secret"
    /// A token file is one line and perhaps a few comments; anything bigger is not one.
    static let maxFileBytes = 4096

    /// Writes a new token: the secret (mode 0600 from its creation) at `secretPath` first, so a
    /// run that fails half-way leaves no digest of a token nobody has, then the digest line at
    /// `digestPath`. Neither file may exist already; both are fsynced with their directories.
    public static func write(token: String, digest: TokenDigest, secretPath: String, digestPath: String) throws(KeyFileError) {
        try SecretFile.create(token + "\n", at: secretPath, mode: 0o600)
        try SecretFile.create(digest.line + "\n", at: digestPath, mode: 0o644)
        let directories = Set([secretPath, digestPath].map(directory(of:)))
        for directory in directories.sorted() { try SecretFile.syncDirectory(directory) }
    }

    /// The digest an allow directory's token file holds: one `sha256:` line, nothing else but comments.
    static func digest(of path: String) throws(KeyFileError) -> (digest: TokenDigest, mode: UInt32) {
        let file = try SecretFile.contents(of: path, maxBytes: maxFileBytes, what: "a token file")
        let lines = try CurveKeyFile.lines(in: file.data, path: path)
        guard lines.count == 1, let digest = TokenDigest(line: lines[0]) else {
            let secret = lines.count == 1 && !lines[0].hasPrefix(TokenDigest.prefix)
            throw KeyFileError(
                secret
                    ? "\(path) is not one 'sha256:<64 hex digits>' line: if it holds the token itself, remove it (the allow directory holds token digests only) and issue a new token"
                    : "\(path) must hold one 'sha256:<64 hex digits>' line (the SHA-256 of the token), as `chungtay keys token` writes it")
        }
        return (digest, file.mode)
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
