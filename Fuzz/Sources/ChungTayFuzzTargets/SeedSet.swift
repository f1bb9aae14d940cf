/// Named seed inputs under construction: each message as given, and, for multipart
/// messages, variants a decoder must refuse without trapping (last frame cut in half,
/// last frame missing, an extra empty frame).
struct SeedSet {
    private(set) var seeds: [(name: String, bytes: [UInt8])] = []

    mutating func add(_ name: String, _ bytes: [UInt8]) {
        seeds.append((name, bytes))
    }

    /// A message as fuzz input (`FrameSplit`), with its broken variants.
    mutating func add(_ name: String, frames: [[UInt8]]) {
        add(name, FrameSplit.bytes(of: frames))
        guard let last = frames.last else { return }
        add(name + "-truncated", FrameSplit.bytes(of: frames.dropLast() + [Array(last.prefix(last.count / 2))]))
        add(name + "-missing-frame", FrameSplit.bytes(of: Array(frames.dropLast())))
        add(name + "-extra-frame", FrameSplit.bytes(of: frames + [[]]))
    }
}

/// Ids at the edges of the u64 range and of the signed range a journal may store.
let boundaryIds: [UInt64] = [0, 1, UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max]

/// A routing id as a ROUTER socket reports it.
let routingId: [UInt8] = [0, 0x6B, 0x8B, 0x45, 0x67]
