import ChungTayRuntime

/// Gives the allocator's free pages back to the system, at most once per interval.
///
/// A burst of submissions leaves the heap fragmented: the payloads kept in the cache sit
/// between the freed messages and grown-out queue buffers of the turns around them, so
/// glibc cannot shrink the heap and the freed pages stay resident (36 MB of 97 MB with a
/// million jobs queued). `malloc_trim` returns the whole free pages inside the heap
/// (`MADV_DONTNEED`); it walks only the free chunks, so once a second costs little.
struct MemoryTrim {
    let interval: Double
    private var last: Double

    init(interval: Double = 1, now: Double) {
        self.interval = interval
        last = now
    }

    /// Trims when `interval` seconds passed since the last trim.
    mutating func trimIfDue(now: Double) {
        guard now - last >= interval else { return }
        last = now
        AllocatorTuning.returnFreePages()
    }
}
