/// A row's fields (the CSV's texts, nil for an empty field) as bytes, for the rows of a
/// workbook that wait in a `SpillSet` to be sorted: each field is its length (4 bytes,
/// little-endian; `0xFFFFFFFF` for nil) then its UTF-8. The CSV export spills its rendered
/// lines instead; a workbook needs the fields back to type each cell.
enum FieldRow {
    private static let absent = UInt32.max

    static func encode(_ fields: [String?]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(0) { $0 + 4 + ($1?.utf8.count ?? 0) })
        for field in fields {
            let length = field.map { UInt32($0.utf8.count) } ?? absent
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> shift)) }
            if let field { bytes.append(contentsOf: field.utf8) }
        }
        return bytes
    }

    /// The fields of `encode`'s bytes (which this export wrote itself, so they are whole).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> [String?] {
        var fields: [String?] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            var length: UInt32 = 0
            for index in 0..<4 { length |= UInt32(bytes[offset + index]) << (8 * index) }
            offset += 4
            guard length != absent else {
                fields.append(nil)
                continue
            }
            let end = min(offset + Int(length), bytes.count)
            fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self))
            offset = end
        }
        return fields
    }
}
