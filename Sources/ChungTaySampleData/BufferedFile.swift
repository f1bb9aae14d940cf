import Foundation

/// An output file written in chunks of about a megabyte, so a million-household run
/// holds one chunk per file in memory rather than the file.
struct BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let chunk = 1 << 20

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(Self.chunk + 64 * 1024)
    }

    mutating func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= Self.chunk { try flush() }
    }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }
}
