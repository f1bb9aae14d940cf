/// The 8-bit encodings Vietnamese offices still keep lists in, from before Unicode was
/// usual on their machines: Windows-1258 (Windows' own code page), TCVN3 "ABC" (the
/// national standard's font encoding, .VnTime fonts) and VNI-Windows (VNI-Times fonts).
/// A list from such an office is decoded to NFC UTF-8 before anything else reads it.
public enum LegacyEncoding: String, CaseIterable, Sendable {
    case windows1258 = "windows-1258"
    case tcvn3
    case vni

    /// The name messages give the encoding.
    public var displayName: String {
        switch self {
        case .windows1258: "Windows-1258"
        case .tcvn3: "TCVN3 (ABC)"
        case .vni: "VNI"
        }
    }
}

extension LegacyEncoding {
    /// The text the bytes spell, in NFC. Total: every byte maps to some character (a byte
    /// the encoding leaves unassigned, or a VNI mark with no vowel before it, as the
    /// Windows-1252 or Latin-1 character of that value).
    ///
    /// A vowel and its mark are two bytes in Windows-1258 and VNI, so text decoded in
    /// pieces must be cut between lines (after a line feed), never inside a word.
    public func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        decoded(bytes).finish()
    }

    /// The bytes for `text` in this encoding, as its real users' software writes them
    /// (Windows-1258: a letter the code page lacks as its vowel and a separate tone mark,
    /// as Windows' converter writes it; VNI: vowel and mark byte; TCVN3: VN3's byte), or
    /// nil when a character has no encoding here (TCVN3 has no upper-case toned letter).
    public func encode(_ text: String) -> [UInt8]? {
        switch self {
        case .windows1258: Windows1258.encode(text)
        case .tcvn3: TCVN3.encode(text)
        case .vni: VNIWindows.encode(text)
        }
    }

    /// The decoded text before it is finished, with the irregularities met on the way.
    func decoded(_ bytes: UnsafeRawBufferPointer) -> LegacyTextBuilder {
        switch self {
        case .windows1258: Windows1258.decode(bytes)
        case .tcvn3: TCVN3.decode(bytes)
        case .vni: VNIWindows.decode(bytes)
        }
    }
}
