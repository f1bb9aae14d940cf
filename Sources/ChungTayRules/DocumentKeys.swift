import ChungTayCoding

/// A fixed list of member names read from documents in one pass over the members,
/// rather than one search (and one name comparison per member) per field: what notices
/// do for every review and loan of a `notify.emit` payload.
///
/// Every name must be one of `KnownKeys`, so a member is placed by its key number; a
/// member without one (a key the reader did not know) is compared by name, as
/// `JSONObject`'s subscript compares.
struct DocumentKeys: Sendable {
    let names: [String]
    /// By key number: the position in `names`, or -1.
    private let positions: [Int]

    init(_ names: [String]) {
        var positions = [Int](repeating: -1, count: KnownKeys.names.count)
        for (position, name) in names.enumerated() {
            guard let number = KnownKeys.index(of: name) else { preconditionFailure("\(name) is not a known key") }
            positions[number] = position
        }
        self.names = names
        self.positions = positions
    }

    /// `document[name]` for each name, in `names` order: the value of the last member
    /// with that key, nil when there is none.
    func values(in document: JSONObject) -> [JSONValue?] {
        var values = [JSONValue?](repeating: nil, count: names.count)
        for member in document.members {
            let position: Int
            if let number = member.knownKey {
                position = positions[number]
            } else {
                position = names.firstIndex { $0 == member.key } ?? -1
            }
            if position >= 0 { values[position] = member.value }
        }
        return values
    }
}
