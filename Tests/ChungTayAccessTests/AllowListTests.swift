import ChungTayAccess
import Foundation
import Logging
import Testing
import ZeroMQ

@Suite struct AllowListTests {
    @Test func rolesComeFromSubdirectoriesAndKindsFromTheWorkersLine() throws {
        let directory = try AllowDirectory()
        let client = try directory.add(.clients, "core-banking")
        let worker = try directory.add(.workers, "w1", extra: "# reviews only\nkinds: household.review, loan.status\n")
        let anyWorker = try directory.add(.workers, "w2")
        let operatorKey = try directory.add(.operators, "an")

        let (list, warnings) = try AllowList.load(directory: directory.path)
        #expect(warnings.isEmpty)
        #expect(list.count == 4)
        #expect(list.identity(ofKey: client)?.principal == "clients/core-banking")
        #expect(list.identity(ofKey: operatorKey)?.role == .operators)
        let limited = try #require(list.identity(ofKey: worker))
        #expect(limited.kinds == ["household.review", "loan.status"])
        #expect(limited.mayServe("loan.status") && !limited.mayServe("notify.emit"))
        #expect(list.identity(ofKey: anyWorker)?.mayServe("notify.emit") == true)
        #expect(list.identity(ofKey: try CurveKeyPair.generate().publicKey) == nil)
    }

    @Test func aKeyInTwoFilesFailsTheLoadNamingBoth() throws {
        let directory = try AllowDirectory()
        let key = try directory.add(.clients, "one")
        try directory.write(.operators, "two.key", key + "\n")

        let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
        #expect(error?.description.contains("clients/one.key") == true)
        #expect(error?.description.contains("operators/two.key") == true)
    }

    @Test func aSecretFileIsSkippedWithAWarningAndAMissingRoleAdmitsNobody() throws {
        let directory = try AllowDirectory()
        try directory.write(.clients, "leaked.key_secret", try CurveKeyPair.generate().secretKey + "\n")
        let (list, warnings) = try AllowList.load(directory: directory.path)
        #expect(list.count == 0)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("leaked.key_secret") == true)
    }

    @Test(arguments: ["not a key\n", "KEY\nsomething else\n", "KEY\nkinds:\n"])
    func aBrokenWorkerFileFailsTheLoad(text: String) throws {
        let directory = try AllowDirectory()
        try directory.write(.workers, "w.key", text.replacingOccurrences(of: "KEY", with: try CurveKeyPair.generate().publicKey))
        #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
    }
}

@Suite struct AccessControlTests {
    private func request(_ domain: AccessDomain, _ key: String?, address: String = "127.0.0.1") -> ZAPRequest {
        ZAPRequest(domain: domain.rawValue, address: address, mechanism: key == nil ? "NULL" : "CURVE", clientPublicKey: key)
    }

    @Test func eachDomainAdmitsItsRolesWithTheKeyAsUserId() throws {
        let directory = try AllowDirectory()
        let client = try directory.add(.clients, "c")
        let worker = try directory.add(.workers, "w")
        let operatorKey = try directory.add(.operators, "o")
        let server = try CurveKeyPair.generate()
        let access = try AccessControl(directory: directory.path, serverPublicKey: server.publicKey, logger: Logger(label: "test"))

        #expect(access.authorize(request(.client, client)) == .allow(userId: access.userIds.userId(forKey: client)))
        #expect(access.authorize(request(.client, operatorKey)) == .allow(userId: access.userIds.userId(forKey: operatorKey)))
        #expect(access.authorize(request(.client, worker)) == .deny)
        #expect(access.authorize(request(.worker, worker)) == .allow(userId: access.userIds.userId(forKey: worker)))
        #expect(access.authorize(request(.worker, client)) == .deny)
        #expect(access.authorize(request(.log, operatorKey)) == .allow(userId: access.userIds.userId(forKey: operatorKey)))
        #expect(access.authorize(request(.log, client)) == .deny)
        #expect(access.authorize(request(.log, try CurveKeyPair.generate().publicKey)) == .deny)
        #expect(access.authorize(request(.client, nil)) == .deny)
        #expect(access.authorize(ZAPRequest(domain: "other", address: "1.2.3.4", mechanism: "CURVE", clientPublicKey: client)) == .deny)
        // The dispatcher's own key: the status page, an operator.
        #expect(access.authorize(request(.log, server.publicKey)) == .allow(userId: access.userIds.userId(forKey: server.publicKey)))
        #expect(access.list.identity(ofKey: server.publicKey)?.principal == "operators/dispatcher")
    }

    @Test func aReloadRevokesARemovedKeyAndABrokenDirectoryKeepsTheOldList() throws {
        let directory = try AllowDirectory()
        let client = try directory.add(.clients, "c")
        let access = try AccessControl(
            directory: directory.path, serverPublicKey: try CurveKeyPair.generate().publicKey, logger: Logger(label: "test"))
        let before = access.generation

        try FileManager.default.removeItem(atPath: directory.path + "/clients/c.key")
        try access.reload()
        #expect(access.generation == before + 1)
        #expect(access.authorize(request(.client, client)) == .deny)

        try directory.write(.clients, "broken.key", "nonsense\n")
        #expect(throws: KeyFileError.self) { try access.reload() }
        #expect(access.generation == before + 1)
    }
}

@Suite struct RefusalLimiterTests {
    @Test func oncePerKeyPerIntervalInABoundedTable() {
        var limiter = RefusalLimiter(interval: .seconds(60), capacity: 3)
        let start = ContinuousClock.now
        var answers: [Bool] = []
        for (key, seconds) in [("a", 0), ("a", 59), ("b", 0), ("a", 60)] {
            answers.append(limiter.shouldLog(key, at: start + .seconds(seconds)))
        }
        #expect(answers == [true, false, true, true])
        var flood = 0
        for index in 0..<100 where limiter.shouldLog("flood \(index)", at: start + .seconds(61)) { flood += 1 }
        #expect(flood == 100)
        #expect(limiter.count <= 3)
    }
}

/// A temporary allow directory with real key files.
final class AllowDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("allow-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Adds a new key as `ROLE/NAME.key`, returning its public key.
    @discardableResult
    func add(_ role: PeerRole, _ name: String, extra: String = "") throws -> String {
        let key = try CurveKeyPair.generate().publicKey
        try write(role, name + ".key", key + "\n" + extra)
        return key
    }

    func write(_ role: PeerRole, _ fileName: String, _ text: String) throws {
        let directory = path + "/" + role.rawValue
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/" + fileName, atomically: true, encoding: .utf8)
    }
}
