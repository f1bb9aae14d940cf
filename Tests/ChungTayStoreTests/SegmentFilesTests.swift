import Foundation
import Testing
@testable import ChungTayStore

/// The one spelling of segment file names: what the store writes, the reader and the
/// inspection find again, and nothing else counts as a segment.
@Suite struct SegmentFilesTests {
    @Test(arguments: [0, 1, 42, 999_999, 1_000_000, 12_345_678])
    func aNameGivesBackItsIndex(index: Int) {
        for files in [SegmentFiles(root: URL(fileURLWithPath: "/data/store"), fileExtension: "jsonl"),
                      SegmentFiles(root: URL(fileURLWithPath: "/data/payloads"), fileExtension: "bin")] {
            let name = files.name(index)
            #expect(files.index(ofName: name) == index)
            #expect(files.relativePath(kind: "loan.status", index: index) == "loan.status/" + name)
        }
        #expect(SegmentFiles(root: URL(fileURLWithPath: "/"), fileExtension: "jsonl").name(42) == "segment-000042.jsonl")
    }

    @Test(arguments: [
        "segment-000001.jsonl.keys", "segment-000001.bin", "segment-1.jsonl", "segment-0000001.jsonl",
        "segment-+00001.jsonl", "segment--00001.jsonl", "segment-.jsonl", "segment-00000a.jsonl", "notes.jsonl",
        "segment-000001.jsonl.tmp",
    ])
    func otherNamesAreNoSegments(name: String) {
        #expect(SegmentFiles(root: URL(fileURLWithPath: "/"), fileExtension: "jsonl").index(ofName: name) == nil)
    }

    /// Segments a store rolled over into are listed by number, not by name (1,000,000
    /// comes after 999,999), and the keys files beside them are not segments.
    @Test func aKindsSegmentsAreListedInIndexOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = SegmentFiles(root: root, fileExtension: "jsonl")
        try FileManager.default.createDirectory(at: files.directory(kind: "k"), withIntermediateDirectories: true)
        for index in [1_000_000, 2, 999_999] {
            let path = files.path(files.relativePath(kind: "k", index: index))
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            #expect(FileManager.default.createFile(atPath: SegmentFiles.keysPath(path), contents: nil))
        }
        #expect(files.indexes(kind: "k") == [2, 999_999, 1_000_000])
        #expect(files.relativePaths(kind: "k") == ["k/segment-000002.jsonl", "k/segment-999999.jsonl", "k/segment-1000000.jsonl"])
        #expect(files.kinds() == ["k"])
        #expect(files.indexes(kind: "none").isEmpty)
    }
}
