/// Texts stored once however many records repeat them; id 0 stands for nil.
struct StringTable {
    private var ids: [String: UInt32] = [:]
    private var texts: [String] = [""]

    mutating func id(_ text: String?) -> UInt32 {
        guard let text else { return 0 }
        if let id = ids[text] { return id }
        let id = UInt32(texts.count)
        texts.append(text)
        ids[text] = id
        return id
    }

    func string(_ id: UInt32) -> String? {
        id == 0 ? nil : texts[Int(id)]
    }
}
