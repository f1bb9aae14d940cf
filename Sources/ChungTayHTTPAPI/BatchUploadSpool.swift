#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The lists of batches being uploaded over HTTP, spooled in the dispatcher's data
/// directory until the batch is sealed: `DATA/uploads/BATCH/households/NAME` and
/// `DATA/uploads/BATCH/loans/NAME`, where NAME is the file the documents' `source` cites.
///
/// Why files, and not memory or jobs: a list is read twice at the seal (pass 1 for keys,
/// pass 2 for chunks, by the same `ListIndex` and `ChunkPlanner` as `batch submit`), its
/// loans are read back by offset, and it may be far larger than a request or the
/// dispatcher's memory. A piece is answered only once it is fsynced, so an answered piece
/// survives a crash and the upload continues after a restart where it stood.
///
/// Everything is owner-only (directories 0700, files 0600): the lists are personal data.
/// The spool is bounded, so that no caller can take it from the others or fill the
/// journal's file system: at most `maximumBatchBytes` per batch, `maximumOpenUploads`
/// batches with a spool at once, of which `maximumUploadsPerOwner` of one identity (the
/// caller's rate-limit key: its principal, else its remote address; kept in
/// `BATCH/owner` so the count survives a restart), and `maximumSpoolBytes` for all
/// spools together (beyond: 503 `storage`, as when the disk is full, with Retry-After).
/// A batch's spool is removed once the batch is sealed.
///
/// Durable before answered: a piece's bytes are fsynced, and so is every directory
/// entry made for it (the batch's and list's directories, the list's file, the owner
/// file), before its 202.
///
/// Pieces are appended on one serial queue, off the concurrency pool (writes and fsyncs
/// block): so the pieces of a list land whole and in the order they were taken, and the
/// length check of `?offset=` and the append are one step.
final class BatchUploadSpool: Sendable {
    /// A batch's pieces together, both lists: far beyond any district's lists (the
    /// 1,000,000-household demo is about 700 MB), well inside what the index addresses.
    static let maximumBatchBytes: Int64 = 4 << 30
    /// Batches with a spool at once.
    static let maximumOpenUploads = 64
    /// Longest `?file=` name in bytes.
    static let maximumFileNameBytes = 255
    /// The file in a batch's spool naming the identity that began it.
    static let ownerFileName = "owner"

    /// `DATA/uploads`.
    let root: URL
    /// Batches one identity may have a spool for at once (`HTTPAPIConfiguration.maxUploadsPerIdentity`).
    let maximumUploadsPerOwner: Int
    /// Bytes of all spools together (`HTTPAPIConfiguration.maxSpoolBytes`).
    let maximumSpoolBytes: Int64
    private let queue = DispatchQueue(label: "chungtay-http-uploads")
    /// Batches whose seal is under way: their lists are being read and take no pieces.
    private let sealing = Mutex<Set<String>>([])
    /// When the last sweep began (`claimSweep`).
    private let lastSweep = Mutex<ContinuousClock.Instant?>(nil)
    /// Least time between two sweeps: a sweep asks the dispatcher about every spooled
    /// batch, so a caller at its limit, sending pieces, must not make each one a sweep.
    static let sweepInterval: Duration = .seconds(10)

    init(dataDirectory: URL, maximumUploadsPerOwner: Int, maximumSpoolBytes: Int64) {
        root = dataDirectory.appendingPathComponent("uploads", isDirectory: true)
        self.maximumUploadsPerOwner = maximumUploadsPerOwner
        self.maximumSpoolBytes = maximumSpoolBytes
    }

    /// Appends a piece to the batch's list and fsyncs it; returns the list's length after it.
    ///
    /// - Parameters:
    ///   - batch: a batch id as the dispatcher made it (`B` and digits): a safe directory name.
    ///   - fileName: `?file=`, for the first piece (a later piece may repeat it).
    ///   - offset: `?offset=`, the length the list must have before this piece. A piece
    ///     already appended at that offset with the same bytes is not appended again, so
    ///     a piece whose answer was lost may be sent again.
    ///   - owner: who a new spool counts against (`HTTPCaller.limitKey`).
    func append(
        _ piece: [UInt8], to list: BatchUploadList, of batch: String, format: BatchUploadFormat, fileName: String?,
        offset: Int64?, owner: String
    ) async throws(BatchUploadRefusal) -> Int64 {
        precondition(Self.isBatchId(batch), "the routes pass only batch ids the dispatcher made")
        return try await onQueue { () throws(BatchUploadRefusal) -> Int64 in
            guard !self.sealing.withLock({ $0.contains(batch) }) else { throw .sealing }
            let directory = self.root.appendingPathComponent(batch).appendingPathComponent(list.rawValue)
            let name: String
            if let existing = try self.fileName(in: directory) {
                if let fileName, fileName != existing { throw .fileAlreadyNamed(existing) }
                guard BatchUploadFormat(fileName: existing) == format else {
                    throw .formatMismatch(list: list.rawValue, expected: BatchUploadFormat(fileName: existing) ?? .csv)
                }
                name = existing
            } else {
                if let offset, offset != 0 { throw .offsetMismatch(length: 0) }
                name = fileName ?? list.defaultFileName(format)
                guard Self.isFileName(name), BatchUploadFormat(fileName: name) == format else { throw .badFileName(name) }
                // Checked before the file exists too, so a refused first piece fixes no name.
                try self.makeRoom(for: piece.count, in: batch)
                let isNew = try self.admit(batch, owner: owner)
                try Self.makeDirectory(directory)
                if isNew { try self.writeOwner(owner, of: batch) }
            }
            let path = directory.appendingPathComponent(name).path
            let created = access(path, F_OK) != 0
            let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw Self.storage("open", path) }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw Self.storage("fstat", path) }
            let length = Int64(status.st_size)
            // The file's entry is durable before its first piece is answered, also when a crash
            // came between making the file and syncing its directory (the file is then still
            // empty); a new file whose entry cannot be synced is unmade, so that no name is
            // fixed by a piece that was refused.
            if created || length == 0, !Self.syncDirectory(directory.path) {
                let refusal = Self.storage("fsync", directory.path)
                if created { unlink(path) }
                throw refusal
            }
            if let offset, offset != length {
                guard try Self.holds(piece, at: offset, length: length, descriptor: descriptor) else {
                    throw .offsetMismatch(length: length)
                }
                // The bytes may be in the page cache only: their first append was cut short by a
                // crash between its write and its fsync. Answered as stored, so synced first.
                guard fsync(descriptor) == 0 else { throw Self.storage("fsync", path) }
                return length
            }
            try self.makeRoom(for: piece.count, in: batch)
            do throws(BatchUploadRefusal) {
                try Self.appendAll(piece, to: descriptor, path: path)
            } catch {
                // A piece is all there or not at all: the next piece's offset stays right.
                _ = ftruncate(descriptor, off_t(length))
                throw error
            }
            return length + Int64(piece.count)
        }
    }

    /// A batch's spooled lists, as a seal reads them.
    struct Lists: Sendable {
        /// `DATA/uploads/BATCH/`, which problem details leave out of the lists' paths.
        var directory: String
        var households: String
        var loans: String?
    }

    /// The spooled lists of a batch for its seal, which they are reserved for until
    /// `endSeal`: no piece is taken and no second seal starts meanwhile.
    func beginSeal(_ batch: String) async throws(BatchUploadRefusal) -> Lists {
        precondition(Self.isBatchId(batch), "the routes pass only batch ids the dispatcher made")
        return try await onQueue { () throws(BatchUploadRefusal) -> Lists in
            let directory = self.root.appendingPathComponent(batch)
            let households = directory.appendingPathComponent(BatchUploadList.households.rawValue)
            let loans = directory.appendingPathComponent(BatchUploadList.loans.rawValue)
            guard let householdName = try self.fileName(in: households) else { throw .noHouseholdList }
            let loanName = try self.fileName(in: loans)
            guard self.sealing.withLock({ $0.insert(batch).inserted }) else { throw .sealing }
            return Lists(
                directory: directory.path + "/", households: households.appendingPathComponent(householdName).path,
                loans: loanName.map { loans.appendingPathComponent($0).path })
        }
    }

    /// Ends a seal begun with `beginSeal`; `sealed`: the batch is sealed, so its spool goes.
    func endSeal(_ batch: String, sealed: Bool) async {
        if sealed { await remove(batch) }
        _ = sealing.withLock { $0.remove(batch) }
    }

    /// Removes a batch's spool (a sealed batch's: nothing reads it any more).
    func remove(_ batch: String) async {
        precondition(Self.isBatchId(batch), "the routes pass only batch ids the dispatcher made")
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                try? FileManager.default.removeItem(at: self.root.appendingPathComponent(batch))
                Self.syncDirectory(self.root.path)
                done.resume()
            }
        }
    }

    /// Whether a sweep may run now (none began within `sweepInterval`); claims it if so.
    func claimSweep() -> Bool {
        let now = ContinuousClock.now
        return lastSweep.withLock { last in
            if let last, now - last < Self.sweepInterval { return false }
            last = now
            return true
        }
    }

    /// The batches that have a spool (and are not being sealed), for `sweep`.
    func spooledBatches() async -> [String] {
        await withCheckedContinuation { (done: CheckedContinuation<[String], Never>) in
            queue.async {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: self.root.path)) ?? []
                let sealing = self.sealing.withLock { $0 }
                done.resume(returning: names.filter { Self.isBatchId($0) && !sealing.contains($0) }.sorted())
            }
        }
    }

    /// Whether `text` is a batch id as the dispatcher makes them (`B000042`): `B` and 1 to
    /// 19 digits. Only such a name ever becomes a directory here.
    static func isBatchId(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.first == UInt8(ascii: "B") && (2...20).contains(utf8.count)
            && utf8.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Whether `name` may name a spooled list: 1 to 255 bytes of letters, digits, `.`, `_`
    /// and `-`, not starting with a dot (never a path, never hidden).
    static func isFileName(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard let first = utf8.first, first != UInt8(ascii: "."), utf8.count <= maximumFileNameBytes else { return false }
        return utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
    }

    // MARK: - On the queue

    private func onQueue<T: Sendable>(
        _ work: @escaping @Sendable () throws(BatchUploadRefusal) -> T
    ) async throws(BatchUploadRefusal) -> T {
        let outcome = await withCheckedContinuation { (done: CheckedContinuation<Result<T, BatchUploadRefusal>, Never>) in
            queue.async {
                do throws(BatchUploadRefusal) {
                    done.resume(returning: .success(try work()))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        return try outcome.get()
    }

    /// The one file of a list's directory; nil when the list has no piece yet.
    private func fileName(in directory: URL) throws(BatchUploadRefusal) -> String? {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            guard access(directory.path, F_OK) != 0, errno == ENOENT else {
                throw .storage("cannot list the \(directory.lastPathComponent) list's directory")
            }
            return nil
        }
        return names.filter(Self.isFileName).sorted().first
    }

    /// Refuses a new batch spool beyond `maximumOpenUploads`, or beyond `owner`'s
    /// `maximumUploadsPerOwner`; whether the batch's spool is new (false: it has one).
    private func admit(_ batch: String, owner: String) throws(BatchUploadRefusal) -> Bool {
        guard access(root.appendingPathComponent(batch).path, F_OK) != 0 else { return false }
        let open = spools()
        guard open.count < Self.maximumOpenUploads else { throw .tooManyOpenUploads(limit: Self.maximumOpenUploads) }
        let owned = open.count(where: { self.owner(of: $0) == owner })
        guard owned < maximumUploadsPerOwner else { throw .tooManyOwnUploads(limit: maximumUploadsPerOwner) }
        return true
    }

    /// Refuses `bytes` more for `batch` past `maximumBatchBytes`, or for all spools past
    /// `maximumSpoolBytes`.
    private func makeRoom(for bytes: Int, in batch: String) throws(BatchUploadRefusal) {
        let (total, overflow) = try batchBytes(batch).addingReportingOverflow(Int64(bytes))
        guard !overflow, total <= Self.maximumBatchBytes else { throw .batchTooLarge(limit: Self.maximumBatchBytes) }
        var all = Int64(bytes)
        for spooled in spools() {
            let (sum, overflow) = all.addingReportingOverflow(try batchBytes(spooled))
            guard !overflow, sum <= maximumSpoolBytes else { throw .spoolFull(limit: maximumSpoolBytes) }
            all = sum
        }
    }

    /// The batches that have a spool.
    private func spools() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter(Self.isBatchId)
    }

    /// The identity whose piece began `batch`'s spool; nil when the file is missing (a
    /// crash between the directory and the file: that spool counts against no one).
    private func owner(of batch: String) -> String? {
        let path = root.appendingPathComponent(batch).appendingPathComponent(Self.ownerFileName).path
        guard let data = FileManager.default.contents(atPath: path), data.count <= 4096 else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Records who began `batch`'s spool, durably (file and directory entry fsynced).
    private func writeOwner(_ owner: String, of batch: String) throws(BatchUploadRefusal) {
        let directory = root.appendingPathComponent(batch).path
        let path = directory + "/" + Self.ownerFileName
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.storage("open", path) }
        defer { close(descriptor) }
        try Self.appendAll(Array(owner.utf8), to: descriptor, path: path)
        guard Self.syncDirectory(directory) else { throw Self.storage("fsync", directory) }
    }

    /// Bytes spooled for the batch, both lists.
    private func batchBytes(_ batch: String) throws(BatchUploadRefusal) -> Int64 {
        var total: Int64 = 0
        for list in BatchUploadList.allCases {
            let directory = root.appendingPathComponent(batch).appendingPathComponent(list.rawValue)
            guard let name = try fileName(in: directory) else { continue }
            var status = stat()
            let path = directory.appendingPathComponent(name).path
            guard stat(path, &status) == 0 else { throw Self.storage("stat", path) }
            total += Int64(status.st_size)
        }
        return total
    }

    /// Whether the list holds exactly `piece` at `offset` (a piece sent again).
    private static func holds(_ piece: [UInt8], at offset: Int64, length: Int64, descriptor: Int32) throws(BatchUploadRefusal) -> Bool {
        guard offset >= 0, offset <= length, length - offset == Int64(piece.count) else { return false }
        var stored = [UInt8](repeating: 0, count: piece.count)
        var done = 0
        while done < piece.count {
            let got = stored.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, piece.count - done, off_t(offset) + off_t(done)) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw .storage("cannot read the upload back") }
            done += got
        }
        return stored == piece
    }

    /// Writes all of `bytes` (appending) and fsyncs the file.
    private static func appendAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(BatchUploadRefusal) {
        var done = 0
        while done < bytes.count {
            let wrote = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if wrote < 0, errno == EINTR { continue }
            guard wrote > 0 else { throw storage("write", path) }
            done += wrote
        }
        guard fsync(descriptor) == 0 else { throw storage("fsync", path) }
    }

    /// Creates `directory` and its missing parents (0700), each made durable by an fsync
    /// of its parent: without it a crash could lose a directory whose file was fsynced.
    private static func makeDirectory(_ directory: URL) throws(BatchUploadRefusal) {
        var missing: [URL] = []
        var current = directory.standardizedFileURL
        while access(current.path, F_OK) != 0 {
            guard errno == ENOENT else { throw storage("access", current.path) }
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        for created in missing.reversed() {
            guard mkdir(created.path, 0o700) == 0 || errno == EEXIST else { throw storage("mkdir", created.path) }
            let parent = created.deletingLastPathComponent().path
            guard syncDirectory(parent) else { throw storage("fsync", parent) }
        }
        // An existing list directory may be one a crash left unsynced in its parent.
        let parent = directory.standardizedFileURL.deletingLastPathComponent().path
        if missing.isEmpty, !syncDirectory(parent) { throw storage("fsync", parent) }
    }

    /// Fsyncs a directory, so the entries made or removed in it are durable.
    @discardableResult
    private static func syncDirectory(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return fsync(descriptor) == 0
    }

    /// A failed call, naming the file or directory by its last component only: the
    /// data directory's place is nothing the caller needs to know.
    private static func storage(_ call: String, _ path: String) -> BatchUploadRefusal {
        .storage("\(call) \(URL(fileURLWithPath: path).lastPathComponent): \(String(cString: strerror(errno)))")
    }
}
