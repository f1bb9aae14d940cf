import ChungTayAccess
import Foundation
import Logging
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

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

    /// Only a missing subdirectory means "no keys of that role": one that cannot be read
    /// fails the load, so a reload keeps the old list instead of revoking the whole role.
    @Test func anUnreadableRoleDirectoryFailsTheLoad() throws {
        let directory = try AllowDirectory()
        try directory.add(.clients, "c")
        try "not a directory\n".write(toFile: directory.path + "/workers", atomically: true, encoding: .utf8)
        let notDirectory = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
        #expect(notDirectory?.description.contains("workers is not a directory") == true)

        try FileManager.default.removeItem(atPath: directory.path + "/workers")
        try FileManager.default.setAttributes([.posixPermissions: 0o300], ofItemAtPath: directory.path + "/clients")
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path + "/clients") }
        // Root reads any directory: the check is then moot.
        if geteuid() != 0 {
            let unreadable = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
            #expect(unreadable?.description.contains("cannot list") == true)
        }
    }

    /// Who may write the directory or a key file may admit any key: refused, as ssh's StrictModes.
    @Test(arguments: ["", "/clients", "/clients/c.key"])
    func aGroupOrWorldWritablePlaceFailsTheLoad(place: String) throws {
        let directory = try AllowDirectory()
        try directory.add(.clients, "c")
        try FileManager.default.setAttributes([.posixPermissions: place.hasSuffix(".key") ? 0o664 : 0o775],
                                              ofItemAtPath: directory.path + place)
        let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
        #expect(error?.description.contains("may be written by group or others") == true)
    }

    /// A FIFO named like a key neither blocks the load nor passes for a key file.
    @Test func aKeyFileMustBeARegularFile() throws {
        let directory = try AllowDirectory()
        try directory.add(.clients, "c")
        #expect(mkfifo(directory.path + "/clients/pipe.key", 0o644) == 0)
        let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
        #expect(error?.description.contains("pipe.key is not a regular file") == true)
    }

    /// The dispatcher's key is `operators/dispatcher` alone, and that name is its key alone.
    @Test func theDispatchersKeyHasOnePlace() throws {
        let server = try CurveKeyPair.generate().publicKey
        for role in [PeerRole.clients, .workers, .operators] {
            let directory = try AllowDirectory()
            try directory.write(role, "page.key", server + "\n")
            let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path, serverPublicKey: server) }
            #expect(error?.description.contains("holds the dispatcher's own key") == true)
        }
        let other = try AllowDirectory()
        try other.add(.operators, "dispatcher")
        let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: other.path, serverPublicKey: server) }
        #expect(error?.description.contains("holds another key than the dispatcher's") == true)

        let same = try AllowDirectory()
        try same.write(.operators, "dispatcher.key", server + "\n")
        #expect(try AllowList.load(directory: same.path, serverPublicKey: server).list.identity(ofKey: server)?.principal == "operators/dispatcher")
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
        #expect(access.authorize(request(.feed, operatorKey)) == .allow(userId: access.userIds.userId(forKey: operatorKey)))
        #expect(access.authorize(request(.feed, client)) == .deny)
        #expect(access.authorize(request(.feed, worker)) == .deny)
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

@Suite struct HandshakeRefusalLogTests {
    /// A fresh key per handshake buys no fresh line: one line a minute per address, a budget
    /// for all addresses, and the rest counted into one summary with a later minute's first refusal.
    @Test func perAddressAndABudgetWithASummary() {
        var log = HandshakeRefusalLog(interval: .seconds(60), budget: 3)
        let start = ContinuousClock.now
        let sameAddress = (0..<8).map { _ in log.refused(address: "10.0.0.1", at: start) }
        #expect(sameAddress.filter(\.logThis).count == 1)
        let others = (2..<10).map { log.refused(address: "10.0.0.\($0)", at: start + .seconds(1)) }
        #expect(others.filter(\.logThis).count == 2, "the budget of 3 lines a minute")
        #expect((sameAddress + others).allSatisfy { $0.suppressedBefore == 0 })

        let nextMinute = log.refused(address: "10.0.0.1", at: start + .seconds(60))
        #expect(nextMinute.logThis && nextMinute.suppressedBefore == 13)
        let again = log.refused(address: "10.0.0.1", at: start + .seconds(61))
        #expect(!again.logThis && again.suppressedBefore == 0)
    }

    @Test func theZAPHandlerLogsOneLinePerAddressWhateverTheKey() throws {
        let lines = LineCollector()
        let directory = try AllowDirectory()
        let access = try AccessControl(directory: directory.path, serverPublicKey: try CurveKeyPair.generate().publicKey,
                                       logger: Logger(label: "test") { _ in lines })
        for _ in 0..<8 {
            let key = try CurveKeyPair.generate().publicKey
            #expect(access.authorize(ZAPRequest(domain: AccessDomain.client.rawValue, address: "10.1.1.1", mechanism: "CURVE",
                                                clientPublicKey: key)) == .deny)
        }
        #expect(lines.messages.filter { $0.hasPrefix("refused a handshake") }.count == 1)
    }
}

/// A log handler keeping the messages, to count lines.
final class LineCollector: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [String] { lock.withLock { stored } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { stored.append("\(event.message)") }
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
