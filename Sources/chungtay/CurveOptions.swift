import ArgumentParser
import ChungTayAccess
import ZeroMQ

/// The keys every client-side and worker command connects with when the dispatcher runs
/// CURVE (`dispatcher --curve-secret`): the dispatcher's public key, which this peer checks
/// in the handshake, and this peer's own secret key file, by whose public half the
/// dispatcher's allow directory knows it. Read like every setting (`SettingsReader`).
struct CurveOptions: ParsableArguments {
    @Option(name: .customLong("server-key"),
            help: "The dispatcher's public key file, NAME.key (CHUNGTAY_SERVER_KEY); with --key, the connection uses CURVE.")
    var serverKey: String?
    @Option(help: "This peer's secret key file, NAME.key_secret, owner-only (CHUNGTAY_KEY); with --server-key.")
    var key: String?

    var flags: [SettingsReader.Flag] {
        [.init("server.key", "--server-key", serverKey), .init("key", "--key", key)]
    }

    /// The keys as the settings give them; nil when neither is set (the NULL mechanism).
    /// Only one of the two, an unreadable file or a secret readable by others is a usage
    /// error: connecting without the keys would only fail later, and less clearly.
    ///
    /// With `keyFlagAlone`, a `--key` flag without any server key is not a key file but left
    /// to the command: `submit --key K` named the idempotency key before CURVE came (issue 2's
    /// interface), and scripts that submit to a plain dispatcher keep working.
    static func read(from settings: SettingsReader, keyFlagAlone: Bool = false) async throws(ValidationError) -> CurveClientKeys? {
        let serverKey = try await settings.string("server.key")
        let key = try await settings.string("key")
        switch (serverKey, key) {
        case (nil, nil):
            return nil
        case (nil, _?) where keyFlagAlone && settings.source(of: "key") == "--key":
            return nil
        case (let serverKey?, let key?):
            do {
                return CurveClientKeys(serverPublicKey: try CurveKeyFile.readPublicKey(path: serverKey),
                                       keyPair: try CurveKeyFile.readKeyPair(secretPath: key))
            } catch {
                throw ValidationError("\(error)")
            }
        case (_?, nil):
            throw ValidationError("\(settings.source(of: "server.key")) needs --key (CHUNGTAY_KEY): this peer's secret key file")
        case (nil, _?):
            throw ValidationError("\(settings.source(of: "key")) needs --server-key (CHUNGTAY_SERVER_KEY): the dispatcher's public key file")
        }
    }
}
