/// Bytes put together in memory managed by hand, for `JSONWriter` and the notification
/// texts: array appends, each checking uniqueness and capacity, were most of the cost of
/// encoding a review. Its members are inlinable: the writer calls them for every byte
/// from other modules.
public struct ByteBuffer: ~Copyable {
    /// Where the bytes are; valid until the next `reserve`, `append` or the buffer's end.
    @inlinable public var base: UnsafeMutablePointer<UInt8> { start }
    @inlinable public var count: Int { used }
    @usableFromInline var start: UnsafeMutablePointer<UInt8>
    @usableFromInline var used = 0
    @usableFromInline var capacity: Int

    @inlinable
    public init(capacity: Int) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit {
        start.deallocate()
    }

    /// Room for `extra` more bytes. Inlined: every write checks, and almost never grows.
    @inlinable @inline(__always)
    public mutating func reserve(_ extra: Int) {
        if _slowPath(used + extra > capacity) { grow(extra) }
    }

    @usableFromInline @inline(never)
    mutating func grow(_ extra: Int) {
        var newCapacity = capacity * 2
        while used + extra > newCapacity { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: start, count: used)
        start.deallocate()
        start = grown
        capacity = newCapacity
    }

    /// Takes in `written` bytes the caller put at `base + count` after reserving room.
    @inlinable @inline(__always)
    public mutating func advance(by written: Int) {
        used += written
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        start[used] = byte
        used += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (start + used).update(from: source, count: bytes.count)
        used += bytes.count
    }

    @inlinable
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    @inlinable
    public mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    @inlinable
    public mutating func removeAll() {
        used = 0
    }

    @inlinable
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: start, count: used))
    }

    /// The text of the bytes, which must be valid UTF-8.
    @inlinable
    public var string: String {
        String(decoding: UnsafeBufferPointer(start: start, count: used), as: UTF8.self)
    }

    /// The bytes as an array with room for `extraCapacity` more.
    @inlinable
    public func array(extraCapacity: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: used + extraCapacity) { buffer, initialized in
            buffer.baseAddress!.initialize(from: start, count: used)
            initialized = used
        }
    }
}
