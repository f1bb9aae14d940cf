/// Part names inside the package (ECMA-376 Part 2, Open Packaging Conventions): a
/// relationship's target is relative to the folder of the part that holds it, or absolute
/// from the package root.
enum PartPath {
    /// `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`.
    static func relationships(of part: String) -> String {
        let (folder, file) = split(part)
        return folder.isEmpty ? "_rels/\(file).rels" : "\(folder)/_rels/\(file).rels"
    }

    /// The part a target names from `source` (`worksheets/sheet1.xml` from `xl/workbook.xml`
    /// → `xl/worksheets/sheet1.xml`); nil when `..` climbs above the root.
    static func resolve(_ target: String, from source: String) -> String? {
        var segments: [Substring] = target.hasPrefix("/") ? [] : split(source).folder.split(separator: "/")
        for segment in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default:
                segments.append(segment)
            }
        }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    /// The part name as OPC compares names, ASCII letters without case (ECMA-376 Part 2
    /// §9.1.1.2), as bytes: hashing a `String` normalises it, in time quadratic in a run of
    /// combining marks, and a ZIP entry's name is up to 65,535 bytes that no one checked.
    static func key<Name: Sequence<UInt8>>(_ name: Name) -> [UInt8] {
        name.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
    }

    static func key(_ part: String) -> [UInt8] {
        key(part.utf8)
    }

    private static func split(_ part: String) -> (folder: String, file: String) {
        guard let slash = part.lastIndex(of: "/") else { return ("", part) }
        return (String(part[..<slash]), String(part[part.index(after: slash)...]))
    }
}
