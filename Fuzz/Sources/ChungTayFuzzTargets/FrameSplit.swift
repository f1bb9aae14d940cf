/// How a fuzz input becomes a multipart message (a list of ZeroMQ frames) for the
/// targets that decode whole messages.
///
/// The input is a sequence of frames, each a 2-byte big-endian length followed by that
/// many bytes. A length running past the end of the input takes the bytes that are
/// left; a single byte left over (no room for a length) is dropped. Every input is thus
/// some message, and the seeds (written by `bytes(of:)`) split back into exactly the
/// frames they were made from.
public enum FrameSplit {
    public static func frames(_ input: [UInt8]) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var index = 0
        while input.count - index >= 2 {
            let length = Int(input[index]) << 8 | Int(input[index + 1])
            let start = index + 2
            let end = start + min(length, input.count - start)
            frames.append(Array(input[start..<end]))
            index = end
        }
        return frames
    }

    /// The input that splits into `frames`; frames longer than 65,535 bytes do not occur
    /// in seeds.
    public static func bytes(of frames: [[UInt8]]) -> [UInt8] {
        var input: [UInt8] = []
        for frame in frames {
            precondition(frame.count <= Int(UInt16.max), "a seed frame is at most 65,535 bytes")
            input.append(UInt8(frame.count >> 8))
            input.append(UInt8(frame.count & 0xFF))
            input.append(contentsOf: frame)
        }
        return input
    }
}
