/// Where a task's result documents lie in the JSON store: a byte range of one segment file.
public struct ResultLocation: Equatable, Sendable {
    /// Path relative to the store root, e.g. `system.echo/segment-000001.jsonl`.
    public var file: String
    public var offset: Int64
    /// Bytes of all the task's lines, newlines included.
    public var length: Int64

    public init(file: String, offset: Int64, length: Int64) {
        self.file = file
        self.offset = offset
        self.length = length
    }
}
