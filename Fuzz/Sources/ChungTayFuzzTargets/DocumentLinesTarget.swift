import ChungTayWire

/// `document-lines`: a packed RESULT documents frame. The input is the announced
/// document count (4 bytes, big-endian, as in the RESULT header) followed by the frame.
///
/// Properties: what is accepted holds exactly the announced number of documents, each a
/// one-line object; the frame is kept as given; the documents packed again give the
/// same lines.
enum DocumentLinesTarget {
    static let target = FuzzTarget(name: "document-lines", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard input.count >= 4 else { return }
        let count = input.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        let frame = Array(input.dropFirst(4))
        guard let lines = try? DocumentLines.validated(frame, count: count, context: "fuzz") else { return }
        try check(lines.count == count, "\(lines.count) lines for an announced \(count)")
        try check(lines.bytes == frame, "the lines are not the frame as given")
        let documents = lines.documents
        try check(documents.allSatisfy(ResultDocumentCheck.isSingleLineObject), "a document is not a one-line object")
        try check(DocumentLines(documents) == lines, "the documents packed again differ")
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        func add(_ name: String, count: UInt32, _ text: String) {
            seeds.add(name, [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + Array(text.utf8))
        }
        add("none", count: 0, "")
        add("one", count: 1, "{}\n")
        add("two", count: 2, "{\"a\":\"x\"}\n{\"b\":[1,2]}\n")
        add("long", count: 1, "{\"text\":\"" + String(repeating: "abcdefgh", count: 20) + "\"}\n")
        add("count-too-high", count: .max, "{}\n")
        add("crlf", count: 1, "{}\r\n")
        add("no-final-newline", count: 1, "{}")
        add("not-an-object", count: 1, "[]\n")
        return seeds.seeds
    }
}
