import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small file holding a secret (a CURVE key, a gateway's credentials), read so that what is
/// checked is what is read: its bytes, type and mode come from one open descriptor, so a path
/// swapped between a `stat` and an `open` cannot slip through.
public enum SecretFile {
    /// The bytes and the mode (`st_mode`) of the file read.
    public struct Contents: Sendable {
        public var data: [UInt8]
        public var mode: UInt32
    }

    /// Only a regular file is one: `O_NONBLOCK` keeps a FIFO from blocking the open, and the
    /// type check refuses it and any device before a read could block. With `followingLinks`
    /// false a symbolic link is refused (`O_NOFOLLOW`): a file whose contents are sent over
    /// the network must be the one named, not whatever a link in a writable directory points to.
    /// `what` names the kind of file in messages ("a key file").
    public static func contents(
        of path: String, maxBytes: Int, what: String, followingLinks: Bool = true
    ) throws(KeyFileError) -> Contents {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else {
            if errno == ELOOP, !followingLinks {
                throw KeyFileError("\(path) is a symbolic link: name the file itself, \(what) is read only from a regular file")
            }
            throw KeyFileError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw KeyFileError("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw KeyFileError("\(path) is not a regular file: not \(what)") }
        var data = [UInt8](repeating: 0, count: maxBytes + 1)
        var count = 0
        while count < data.count {
            let read = data[count...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if read < 0, errno == EINTR { continue }
            guard read >= 0 else { throw KeyFileError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if read == 0 { break }
            count += read
        }
        guard count <= maxBytes else { throw KeyFileError("\(path) is over \(maxBytes) bytes: not \(what)") }
        return Contents(data: Array(data[..<count]), mode: UInt32(status.st_mode))
    }

    /// Refuses a secret that its group or others may read (as ssh does), since it would have
    /// leaked; `replace` says what to renew then ("the key").
    public static func requireOwnerOnly(_ contents: Contents, path: String, replace: String) throws(KeyFileError) {
        guard contents.mode & 0o077 == 0 else {
            throw KeyFileError(
                "\(path) is readable by others (mode \(String(contents.mode & 0o777, radix: 8))); chmod 600 it, and replace \(replace) if others could have read it"
            )
        }
    }

    /// Creates `path` holding `text`. A secret's mode (0600) is set by `open` itself, so the file
    /// is never readable by others, not even between its creation and a chmod; an existing file
    /// is never overwritten (`O_EXCL`: a key or a token replaced by mistake cannot be got back).
    /// The bytes are fsynced before this returns; ``syncDirectory(_:)`` makes the name durable.
    public static func create(_ text: String, at path: String, mode: UInt32) throws(KeyFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it exists already (keys and tokens are never overwritten)" : String(cString: strerror(errno))
            throw KeyFileError("cannot create \(path): \(reason)")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw KeyFileError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// fsyncs the directory `path`, so the names of the files just created in it survive a crash.
    public static func syncDirectory(_ path: String) throws(KeyFileError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw KeyFileError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw KeyFileError("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}
