/// A `.rels` part: relationship id → (type, resolved target part). External targets
/// (links to files outside the package) are left out: nothing in them is read.
struct Relationships {
    struct Relationship {
        var type: String
        var target: String
    }

    private(set) var byId: [String: Relationship] = [:]

    /// At most this many relationships are kept from one part (a workbook has one per sheet
    /// plus a handful), and at most this many bytes of their ids, types and targets
    /// together (a real one holds about 150 bytes each; without the bound a part of
    /// gigabytes of long attribute values would be held whole).
    static let maximumCount = 65_536
    static let maximumBytes = 16 << 20

    init() {}

    init(reading tokenizer: XMLTokenizer, source: String) throws(WorkbookError) {
        var bytes = 0
        while true {
            switch try tokenizer.next() {
            case .endOfDocument:
                return
            case .start where tokenizer.isNamed("Relationship"):
                if let mode = try tokenizer.attribute("TargetMode"), XMLTokenizer.equal(mode, "External") { continue }
                guard let id = try tokenizer.attribute("Id").map(XMLText.string),
                    let type = try tokenizer.attribute("Type").map(XMLText.string),
                    let target = try tokenizer.attribute("Target").map(XMLText.string)
                else { continue }
                // Ids are hashed and types and targets compared as Swift strings: no long mark runs.
                guard XMLText.isStreamSafe(id), XMLText.isStreamSafe(type), XMLText.isStreamSafe(target) else {
                    throw .invalidContent(
                        part: tokenizer.partName,
                        reason: "a relationship with more than \(XMLText.maximumNonStarters) combining marks in a row")
                }
                bytes += id.utf8.count + type.utf8.count + target.utf8.count
                guard bytes <= Self.maximumBytes else {
                    throw .limitExceeded(part: tokenizer.partName, what: "bytes of relationships", limit: Self.maximumBytes)
                }
                guard let part = PartPath.resolve(target, from: source) else {
                    throw .invalidContent(part: tokenizer.partName, reason: "the relationship \(id) points outside the package")
                }
                guard byId.count < Self.maximumCount else {
                    throw .limitExceeded(part: tokenizer.partName, what: "relationships", limit: Self.maximumCount)
                }
                byId[id] = Relationship(type: type, target: part)
            default:
                continue
            }
        }
    }

    /// The target of the first relationship whose type ends with `/suffix` (the type URIs
    /// differ between transitional and strict OOXML, their last segment does not).
    func target(ofTypeEndingWith suffix: String) -> String? {
        byId.values.filter { $0.type.hasSuffix("/" + suffix) }.map(\.target).min()
    }
}
