/// The shared-string table (`xl/sharedStrings.xml`), the one structure of a workbook held
/// whole: a sheet's cells refer to it by index in any order. Kept compactly as one byte
/// buffer of NFC UTF-8 and the end offset of each string, within
/// `maximumSharedStringBytes` and `maximumSharedStrings`. A value: the sheets of a
/// workbook share its storage.
package struct SharedStrings: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [UInt32] = []

    package init() {}

    package init(reading tokenizer: XMLTokenizer, limits: WorkbookLimits) throws(WorkbookError) {
        // The buffer's offsets are 32-bit.
        let maximumBytes = min(limits.maximumSharedStringBytes, Int(UInt32.max))
        var item: [UInt8] = []
        while true {
            switch try tokenizer.next() {
            case .start where tokenizer.isNamed("sst"):
                // The declared count only sizes the first allocation, and only within bounds.
                if let declared = try tokenizer.attribute("uniqueCount").flatMap(Self.integer) {
                    guard declared <= limits.maximumSharedStrings else {
                        throw .limitExceeded(part: tokenizer.partName, what: "\(declared) shared strings", limit: limits.maximumSharedStrings)
                    }
                    ends.reserveCapacity(min(declared, 1 << 20))
                }
            case .start where tokenizer.isNamed("si"):
                item.removeAll(keepingCapacity: true)
                try RichText.read(tokenizer, into: &item)
                let text = try RichText.cellText(item, tokenizer)
                guard ends.count < limits.maximumSharedStrings else {
                    throw .limitExceeded(part: tokenizer.partName, what: "shared strings", limit: limits.maximumSharedStrings)
                }
                guard text.utf8.count <= maximumBytes - bytes.count else {
                    throw .limitExceeded(part: tokenizer.partName, what: "bytes of shared strings", limit: maximumBytes)
                }
                bytes.append(contentsOf: text.utf8)
                ends.append(UInt32(bytes.count))
            case .start:
                if tokenizer.depth > 1 { try tokenizer.skipElement() }
            case .end, .text:
                continue
            case .endOfDocument:
                bytes.shrinkToFit()
                return
            }
        }
    }

    package var count: Int { ends.count }

    /// The string at a 0-based index; nil past the end.
    package func string(at index: Int) -> String? {
        guard index >= 0 && index < ends.count else { return nil }
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    /// A non-negative decimal integer of at most 18 digits.
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func shrinkToFit() {
        guard capacity > count + count / 8 else { return }
        self = Array(self)
    }
}
