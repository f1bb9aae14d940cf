import ChungTayFuzzTargets
import Foundation
import Testing

/// Every committed fuzz input (`Fuzz/corpus/TARGET/`, `Fuzz/regressions/TARGET/`) and
/// every seed the current encoders make, run through the fuzz targets without libFuzzer:
/// `swift test` alone then guards the decoders against every crash ever found.
@Suite("Fuzz corpus replay")
struct FuzzCorpusReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The files of `Fuzz/KIND/TARGET/`, by name; none when the directory does not exist.
    static func inputs(_ kind: String, _ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { name in
            (name, Array(try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    static func replay(_ target: FuzzTarget, _ inputs: [(name: String, bytes: [UInt8])]) {
        for input in inputs {
            do throws(FuzzFailure) {
                try target.run(input.bytes)
            } catch {
                Issue.record("\(target.name)/\(input.name): \(error)")
            }
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func committedCorpus(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let corpus = try Self.inputs("corpus", name)
        #expect(!corpus.isEmpty, "Fuzz/corpus/\(name) holds no seeds")
        Self.replay(target, corpus)
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func crashRegressions(_ name: String) throws {
        Self.replay(try #require(FuzzTarget.named(name)), try Self.inputs("regressions", name))
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func currentSeeds(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let seeds = target.seeds()
        #expect(!seeds.isEmpty)
        Self.replay(target, seeds)
    }

    /// A directory for a renamed or removed target would silently stop being replayed.
    @Test func everyInputDirectoryNamesATarget() throws {
        for kind in ["corpus", "regressions"] {
            let directory = Self.fuzzDirectory.appendingPathComponent(kind)
            guard FileManager.default.fileExists(atPath: directory.path) else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                #expect(FuzzTarget.named(name) != nil, "Fuzz/\(kind)/\(name) names no fuzz target")
            }
        }
    }

    /// `FrameSplit` is how the seeds of the message targets were written: they must split
    /// back into exactly their frames.
    @Test func frameSplitRoundTrips() {
        let messages: [[[UInt8]]] = [[], [[]], [[1, 2, 3], [], Array(repeating: 7, count: 300)]]
        for frames in messages {
            #expect(FrameSplit.frames(FrameSplit.bytes(of: frames)) == frames)
        }
        #expect(FrameSplit.frames([0, 9, 1, 2]) == [[1, 2]], "a length past the end takes what is left")
        #expect(FrameSplit.frames([0, 1, 5, 0]) == [[5]], "a lone last byte is dropped")
    }
}
