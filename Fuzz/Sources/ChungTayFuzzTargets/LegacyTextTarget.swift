import ChungTayCoding
import Foundation

/// `legacy-text`: the legacy Vietnamese decoders (`LegacyEncoding.decode`), their
/// encoders and `TextEncodingDetector`, which every office CSV not in UTF-8 goes through.
///
/// Properties: every decoding is NFC; text decoded and encoded again decodes to the same
/// text (the encoder writes what the decoder reads); a confident detection has the share
/// it claims to need.
enum LegacyTextTarget {
    static let target = FuzzTarget(name: "legacy-text", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        for encoding in LegacyEncoding.allCases {
            let text = input.withUnsafeBytes { encoding.decode($0) }
            let nfc = text.precomposedStringWithCanonicalMapping
            try check(Array(text.utf8) == Array(nfc.utf8), "\(encoding.rawValue) decodes to text that is not NFC")
            guard let bytes = encoding.encode(text) else { continue }
            let again = bytes.withUnsafeBytes { encoding.decode($0) }
            try check(again == text, "\(encoding.rawValue): \(text.debugDescription) encoded and decoded is \(again.debugDescription)")
        }
        let detection = input.withUnsafeBytes { TextEncodingDetector.detect($0) }
        if case .legacy(_, let share) = detection {
            try check(share >= 0.9 && share <= 1, "a legacy detection with share \(share)")
        }
        _ = detection.description
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let list = "Mã hộ;Họ và tên chủ hộ;Xã\r\nHK-1;Nguyễn Văn Đạt;Đức Phú\r\nHK-2;Trần Thị Hương;Bắc Ruộng\r\nHK-3;K' Brơi;La Ngâu\r\n"
        for encoding in LegacyEncoding.allCases {
            guard let bytes = encoding.encode(list) else { continue }
            seeds.add(encoding.rawValue, bytes)
            seeds.add(encoding.rawValue + "-cut", Array(bytes.prefix(bytes.count / 2 + 1)))
        }
        seeds.add("utf8", Array(list.utf8))
        seeds.add("utf8-bom", [0xEF, 0xBB, 0xBF] + Array(list.utf8))
        seeds.add("utf8-cut", Array(Array("Nguyễn".utf8).dropLast()))
        seeds.add("utf16le", [0xFF, 0xFE] + list.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        seeds.add("all-bytes", (0...255).map { UInt8($0) })
        // Marks without their vowel, doubled tones, VN1-only bytes.
        seeds.add("stray-marks", [0xEC, 0x6E, 0xEC, 0x61, 0xEC, 0xF2, 0xF9, 0x41, 0xF9, 0xB3, 0xC4, 0xFF, 0x79, 0xEF])
        seeds.add("latin1", Array("Renée Müller, café, señor".data(using: .isoLatin1)!))
        return seeds.seeds
    }
}
