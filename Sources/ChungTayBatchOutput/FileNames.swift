/// File and directory names made from commune and savings-group names.
///
/// Vietnamese letters are kept (names are NFC, as the JSON reader gives them). Replaced
/// by `_`: `/`, `\` and NUL (which would change the path), other control characters,
/// the characters Windows refuses in names (`: * ? " < > |`, since exports are copied to
/// office PCs), and leading dots (no hidden files, no `.` or `..`). A name is cut to at
/// most 200 bytes of UTF-8 at a character boundary. Two names that come out the same
/// (also ignoring case, for macOS and Windows file systems) are told apart by
/// ` (2)`, ` (3)`, …
struct FileNames {
    private var used: Set<String> = []

    mutating func unique(_ name: String) -> String {
        let base = Self.sanitized(name)
        var candidate = base
        var number = 2
        while !used.insert(candidate.lowercased()).inserted {
            candidate = base + " (\(number))"
            number += 1
        }
        return candidate
    }

    static func sanitized(_ name: String) -> String {
        var result = ""
        var leading = true
        for character in name {
            let replace: Bool
            if character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                replace = true
            } else {
                switch character {
                case "/", "\\", ":", "*", "?", "\"", "<", ">", "|": replace = true
                case ".": replace = leading
                default: replace = false
                }
            }
            leading = leading && character == "."
            let piece = replace ? "_" : String(character)
            if result.utf8.count + piece.utf8.count > 200 { break }
            result += piece
        }
        return result.isEmpty ? "_" : result
    }
}
