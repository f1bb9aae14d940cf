import ChungTayAccess
import Foundation
import Logging
import Testing
import ZeroMQ

/// The `User-Id` the handler gives carries this process's secret token, so a peer's own
/// claim (libzmq keeps it when no handler answers) is never taken for a key (REVIEW-12 finding 3).
@Suite struct ZAPUserIdsTests {
    @Test func onlyAUserIdWithThisProcesssTokenNamesAKey() throws {
        let key = try CurveKeyPair.generate().publicKey
        let userIds = ZAPUserIds()
        let userId = userIds.userId(forKey: key)
        #expect(userId.count == 32 + 1 + key.count)
        #expect(userId.hasSuffix(":" + key))
        #expect(userIds.key(in: userId) == key)
        #expect(userIds.key(in: key) == nil, "the bare key, as a hand-made handshake may claim")
        #expect(userIds.key(in: nil) == nil)
        #expect(ZAPUserIds().key(in: userId) == nil, "another process's token")
        #expect(!"\(userIds)".contains(String(userId.prefix(32))), "the token is never printed")
    }

    @Test func theZAPVerdictCarriesTheToken() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("allow-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/clients", withIntermediateDirectories: true)
        let client = try CurveKeyPair.generate()
        try (client.publicKey + "\n").write(toFile: directory + "/clients/c.key", atomically: true, encoding: .utf8)
        let access = try AccessControl(directory: directory, serverPublicKey: try CurveKeyPair.generate().publicKey,
                                       logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let request = ZAPRequest(domain: AccessDomain.client.rawValue, address: "127.0.0.1", mechanism: "CURVE", clientPublicKey: client.publicKey)
        guard case .allow(let userId) = access.authorize(request) else { Issue.record("refused"); return }
        #expect(userId != client.publicKey)
        #expect(access.userIds.key(in: userId) == client.publicKey)
    }
}
