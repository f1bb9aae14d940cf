/// Text of the string items of shared strings (`<si>`) and inline strings (`<is>`)
/// (ECMA-376 §18.4): a plain `<t>`, or rich-text runs `<r><rPr/><t/></r>` whose texts are
/// concatenated. Phonetic runs (`<rPh>`, the reading of East Asian text) are not part of
/// the value and are skipped.
enum RichText {
    /// The most UTF-8 bytes one cell's text may take: 32,767 UTF-16 code units (Excel's
    /// limit on a cell, ECMA-376 Part 1 §18.3.1.4) at up to four bytes each.
    static let maximumCellCharacters = 32_767
    static let maximumBytes = 4 * maximumCellCharacters

    /// Called right after the start tag of `si` or `is`; reads through its end tag and
    /// appends the text's bytes (entities decoded) to `text`.
    static func read(_ tokenizer: XMLTokenizer, into text: inout [UInt8]) throws(WorkbookError) {
        let itemDepth = tokenizer.depth
        while true {
            switch try tokenizer.next() {
            case .start:
                let inRun = tokenizer.depth == itemDepth + 2
                if tokenizer.depth == itemDepth + 1 && tokenizer.isNamed("r") { continue }
                if (tokenizer.depth == itemDepth + 1 || inRun) && tokenizer.isNamed("t") {
                    try readText(tokenizer, into: &text)
                } else {
                    try tokenizer.skipElement()
                }
            case .end:
                if tokenizer.depth < itemDepth { return }
            case .text:
                continue
            case .endOfDocument:
                throw tokenizer.malformed("the part ends inside a string item")
            }
        }
    }

    /// Called right after a start tag whose content is text only (`<t>`, `<v>`); reads
    /// through its end tag and appends the text, at most `maximumBytes` of it.
    static func readText(_ tokenizer: XMLTokenizer, into text: inout [UInt8]) throws(WorkbookError) {
        while true {
            switch try tokenizer.next() {
            case .text:
                let bytes = try tokenizer.text()
                guard text.count + bytes.count <= maximumBytes else {
                    throw .invalidContent(
                        part: tokenizer.partName, reason: "a text of more than \(maximumCellCharacters) characters near byte \(tokenizer.offset)")
                }
                text.append(contentsOf: bytes)
            case .start:
                try tokenizer.skipElement()
            case .end:
                return
            case .endOfDocument:
                throw tokenizer.malformed("the part ends inside a text element")
            }
        }
    }

    /// The cell text of the bytes (`XMLText.cellText`), checked against Excel's limit.
    static func cellText(_ bytes: [UInt8], _ tokenizer: XMLTokenizer) throws(WorkbookError) -> String {
        let text: String
        switch bytes.withUnsafeBytes({ raw in Result { () throws(XMLText.Problem) in try XMLText.cellText(raw) } }) {
        case .success(let decoded):
            text = decoded
        case .failure(.notUTF8):
            throw .invalidContent(part: tokenizer.partName, reason: "text that is not UTF-8 near byte \(tokenizer.offset)")
        case .failure(.combiningMarks):
            throw .invalidContent(
                part: tokenizer.partName,
                reason: "a text with more than \(XMLText.maximumNonStarters) combining marks in a row near byte \(tokenizer.offset)")
        }
        guard text.utf16.count <= maximumCellCharacters else {
            throw .invalidContent(
                part: tokenizer.partName, reason: "a text of more than \(maximumCellCharacters) characters near byte \(tokenizer.offset)")
        }
        return text
    }
}
