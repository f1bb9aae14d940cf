@testable import ChungTayCoding
import Foundation
import Testing

/// Detection on lists like the offices': the sample data's names, places and Vietnamese
/// column titles, written in each encoding, are detected as that encoding; UTF-8 and
/// UTF-16 are recognised; English text, random bytes and Latin-1 are not taken for a
/// Vietnamese encoding with confidence.
@Suite struct TextEncodingDetectorTests {
    static func detect(_ bytes: [UInt8]) -> TextEncodingDetection {
        bytes.withUnsafeBytes { TextEncodingDetector.detect($0) }
    }

    /// The names of `ChungTaySampleData.VietnameseNames` and the communes of Tánh Linh.
    static let families = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
        "Lý", "Trương", "Đinh", "Lâm", "Mai", "Tô", "Châu",
    ]
    static let middles = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Ngọc", "Thị", "Thu", "Kim", "Mỹ"]
    static let givens = [
        "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hoàng", "Khánh", "Long", "Minh", "Nam", "Phúc", "Quân", "Sơn", "Tâm",
        "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Lộc", "Tài", "Đạt", "Hiếu", "Toàn", "Anh", "Bích", "Chi", "Dung",
        "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Nga", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Tuyết",
        "Yến", "Hằng", "Loan", "Xuân",
    ]
    static let kHo = ["K' Brơi", "Ka Dơng", "K' Lơi", "Điểu Thị Nga", "Ka Sương", "K' Ha Sen", "Điểu Văn Thương"]
    static let communes = [
        "Lạc Tánh", "Bắc Ruộng", "Đồng Kho", "Đức Bình", "Đức Phú", "Đức Thuận", "Gia An", "Gia Huynh", "Huy Khiêm",
        "La Ngâu", "Măng Tố", "Nghị Đức", "Suối Kiết", "Tánh Linh", "Đức Tân",
    ]
    static let header = "Mã hộ;Họ và tên chủ hộ;Số CCCD;Tỉnh;Xã;Thôn;Khu vực;Số nhân khẩu;Thu nhập bình quân;Nhóm tiết kiệm\r\n"

    /// A household list of `rows` rows in the sample data's style, from a fixed seed.
    static func list(rows: Int, seed: UInt64 = 16) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var text = header
        for row in 1...rows {
            let name = next(10) == 0 ? kHo[next(kHo.count)]
                : families[next(families.count)] + " " + middles[next(middles.count)] + " " + givens[next(givens.count)]
            let commune = communes[next(communes.count)]
            text += "HK-\(row);\(name);0681430\(10000 + row);Lâm Đồng;\(commune);Thôn \(next(6) + 1);rural;\(next(7) + 1);1.227.000;HK-TK\(next(50))\r\n"
        }
        return text
    }

    @Test(arguments: LegacyEncoding.allCases)
    func sampleListsAreDetected(_ encoding: LegacyEncoding) throws {
        for rows in [3, 40, 2_000] {
            let bytes = try #require(encoding.encode(Self.list(rows: rows)))
            guard case .legacy(let found, let share) = Self.detect(bytes) else {
                Issue.record("\(encoding), \(rows) rows: \(Self.detect(bytes))")
                continue
            }
            #expect(found == encoding, "\(rows) rows")
            #expect(share >= 0.9)
        }
    }

    @Test(arguments: LegacyEncoding.allCases)
    func aSingleNameIsDetected(_ encoding: LegacyEncoding) throws {
        for name in ["Nguyễn Văn Đạt", "Trần Thị Hương", "Đặng Quốc Việt", "Phạm Thị Thảo"] {
            let bytes = try #require(encoding.encode("householdCode,headName\nHK-1,\(name)\n"))
            #expect(Self.detect(bytes) == .legacy(encoding, validShare: 1), "\(name)")
        }
    }

    @Test func utf8AndUTF16() {
        let text = Self.list(rows: 20)
        #expect(Self.detect(Array(text.utf8)) == .utf8)
        #expect(Self.detect([0xEF, 0xBB, 0xBF] + Array(text.utf8)) == .utf8)
        #expect(Self.detect(Array("householdCode,headName\n".utf8)) == .utf8)
        #expect(Self.detect([]) == .utf8)
        // Cut inside the last character (the sample is the first MiB).
        #expect(Self.detect(Array(Array("Nguyễn".utf8).dropLast())) == .utf8)
        #expect(Self.detect([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) == .utf16(littleEndian: true))
        #expect(Self.detect([0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }) == .utf16(littleEndian: false))
    }

    /// A list from the Central Highlands: the province and district names (Đắk Lắk,
    /// Krông Búk) on every row are not in the national orthography's inventory.
    @Test(arguments: LegacyEncoding.allCases)
    func centralHighlandsListsAreDetected(_ encoding: LegacyEncoding) throws {
        let places = ["Đắk Lắk;Krông Búk", "Đắk Nông;Đắk Mil", "Gia Lai;Đăk Đoa", "Gia Lai;Chư Prông", "Kon Tum;Kon Plông"]
        var text = "Mã hộ;Họ và tên chủ hộ;Tỉnh;Huyện\r\n"
        for row in 0..<40 {
            text += "HK-\(row);\(Self.families[row % Self.families.count]) \(Self.givens[row % Self.givens.count]);"
                + "\(places[row % places.count])\r\n"
        }
        let bytes = try #require(encoding.encode(text))
        #expect(Self.detect(bytes) == .legacy(encoding, validShare: 1))
    }

    /// UTF-8 with a few bad bytes is UTF-8 (the reader then refuses it at the bad line), not
    /// "no Vietnamese encoding fits"; the legacy encodings are still found when they fit.
    @Test func damagedUTF8IsUTF8() throws {
        let text = Array(Self.list(rows: 40).utf8)
        var oneBadByte = text
        oneBadByte[text.count / 2] = 0xFF
        #expect(Self.detect(oneBadByte) == .utf8)
        var oneLegacyCell = text
        oneLegacyCell.insert(contentsOf: try #require(LegacyEncoding.windows1258.encode("Đặng Thị Hương;")), at: text.count / 2)
        #expect(Self.detect(oneLegacyCell) == .utf8)
        // Mostly damaged: not UTF-8.
        let halves = Array(Self.list(rows: 20).utf8) + (try #require(LegacyEncoding.tcvn3.encode(Self.list(rows: 20, seed: 3))))
        #expect(Self.detect(halves) != .utf8)
    }

    @Test func latin1AndRandomBytesAreNotTakenForVietnamese() throws {
        let english = "name;city;note\r\nRenée Müller;Zürich;café au lait, naïve façade, señor\r\nJosé Ñúñez;Málaga;crème brûlée\r\n"
        let latin1 = try #require(english.data(using: .isoLatin1))
        #expect(!Self.isConfident(Self.detect(Array(latin1))), "\(Self.detect(Array(latin1)))")
        var random = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let bytes = (0..<4_096).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            #expect(!Self.isConfident(Self.detect(bytes)), "\(Self.detect(bytes))")
        }
    }

    @Test func descriptions() {
        #expect(TextEncodingDetection.utf8.description == "UTF-8")
        #expect(TextEncodingDetection.utf16(littleEndian: true).description == "UTF-16LE")
        #expect(TextEncodingDetection.legacy(.tcvn3, validShare: 0.97).description == "TCVN3 (ABC)")
        #expect(
            TextEncodingDetection.unknown(best: .vni, validShare: 0.617).description
                == "not UTF-8, and no Vietnamese encoding fits it (best: VNI, 61% of words)")
        #expect(TextEncodingDetection.unknown(best: nil, validShare: 0).description.hasPrefix("not UTF-8"))
    }

    private static func isConfident(_ detection: TextEncodingDetection) -> Bool {
        if case .legacy = detection { return true }
        return false
    }
}
