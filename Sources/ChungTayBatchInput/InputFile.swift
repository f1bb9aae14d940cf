import Foundation

/// An open input file read with `pread`, so that streaming and reading one record back
/// by its offset share no file position.
final class InputFile {
    let path: String
    /// The last path component, as items name the file.
    let name: String
    let size: Int
    let modified: timespec
    private let descriptor: Int32

    init(path: String) throws(BatchInputError) {
        self.path = path
        name = path.split(separator: "/").last.map(String.init) ?? path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .cannotOpen(path: path, errno: code)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .cannotOpen(path: path, errno: EISDIR)
        }
        self.descriptor = descriptor
        size = Int(status.st_size)
        modified = status.st_mtim
    }

    deinit {
        close(descriptor)
    }

    /// What pass 2 compares with pass 1 to notice a file replaced in between.
    var identity: FileIdentity {
        FileIdentity(path: path, size: size, modifiedSeconds: Int(modified.tv_sec), modifiedNanoseconds: Int(modified.tv_nsec))
    }

    /// Reads up to `count` bytes at `offset` into `destination`; returns how many (0 at the end).
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int) throws(BatchInputError) -> Int {
        while true {
            let result = pread(descriptor, destination, count, off_t(offset))
            if result >= 0 { return result }
            if errno == EINTR { continue }
            throw .readFailed(path: path, errno: errno)
        }
    }
}

/// A file's path, size and modification time as pass 1 saw them.
public struct FileIdentity: Sendable, Equatable {
    public var path: String
    public var size: Int
    public var modifiedSeconds: Int
    public var modifiedNanoseconds: Int
}

/// A window of file bytes that a parser works on: `bytes[0..<count]` are the file's bytes
/// from offset `base`. Grown (up to the caller's limit) when one record does not fit.
struct ByteWindow: ~Copyable {
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// File offset of `storage[0]`.
    private(set) var base = 0
    private(set) var count = 0
    /// Whether `base + count` is the end of the file.
    private(set) var atEnd = false

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    var end: Int { base + count }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    func contains(_ offset: Int) -> Bool { offset >= base && offset < base + count }

    /// Moves the window to start at `offset` and fills it.
    mutating func load(at offset: Int, from file: InputFile) throws(BatchInputError) {
        base = offset
        count = 0
        atEnd = false
        try fill(from: file)
    }

    /// Keeps the bytes from `offset` on (moved to the front), grows to at least
    /// `minimumCapacity`, and reads more after them. Sets `atEnd` when nothing more came.
    mutating func refill(keepingFrom offset: Int, minimumCapacity: Int, from file: InputFile) throws(BatchInputError) {
        let kept = max(0, end - offset)
        if offset > base && kept > 0 {
            memmove(storage, storage + (offset - base), kept)
        }
        base = offset
        count = kept
        if minimumCapacity > capacity {
            var grown = capacity
            while grown < minimumCapacity { grown *= 2 }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            larger.update(from: storage, count: count)
            storage.deallocate()
            storage = larger
            capacity = grown
        }
        try fill(from: file)
    }

    private mutating func fill(from file: InputFile) throws(BatchInputError) {
        while count < capacity {
            let got = try file.read(into: storage + count, count: capacity - count, at: base + count)
            if got == 0 {
                atEnd = true
                return
            }
            count += got
        }
        // A file read up to the size it had when opened ends there, which saves a read.
        atEnd = base + count >= file.size
    }
}
