/// Bytes put together in memory managed by hand, for `JSONWriter` and the notification
/// texts: array appends, each checking uniqueness and capacity, were most of the cost of
/// encoding a review. Its members are inlinable: the writer calls them for every byte
/// from other modules.
@usableFromInline
package struct ByteBuffer: ~Copyable {
    /// Where the bytes are; valid until the next `reserve`, `append` or the buffer's end.
    @usableFromInline package internal(set) var base: UnsafeMutablePointer<UInt8>
    @usableFromInline package internal(set) var count = 0
    @usableFromInline var capacity: Int

    @inlinable
    package init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Room for `extra` more bytes. Inlined: every write checks, and almost never grows.
    @inlinable @inline(__always)
    package mutating func reserve(_ extra: Int) {
        if _slowPath(count + extra > capacity) { grow(extra) }
    }

    @usableFromInline @inline(never)
    mutating func grow(_ extra: Int) {
        var newCapacity = capacity * 2
        while count + extra > newCapacity { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    /// Takes in `written` bytes the caller put at `base + count` after reserving room.
    @inlinable @inline(__always)
    package mutating func advance(by written: Int) {
        count += written
    }

    @inlinable @inline(__always)
    package mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inlinable @inline(__always)
    package mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inlinable
    package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    @inlinable
    package mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable
    package mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    @inlinable
    package mutating func removeAll() {
        count = 0
    }

    @inlinable
    package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The text of the bytes, which must be valid UTF-8.
    @inlinable
    package var string: String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// The bytes as an array with room for `extraCapacity` more.
    @inlinable
    package func array(extraCapacity: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count + extraCapacity) { buffer, initialized in
            buffer.baseAddress!.initialize(from: base, count: count)
            initialized = count
        }
    }
}
