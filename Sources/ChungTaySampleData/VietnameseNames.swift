import Foundation

/// Names of heads of household: Kinh names (family, middle, given) with the family names
/// in roughly their national frequency, and K'Ho names for ethnic-minority households,
/// where "K'" marks a man and "Ka" a woman and many families registered "Điểu".
///
/// All text is NFC, the form the rules store; the rules accept NFD too, but a sample
/// file should not make that the common case.
enum VietnameseNames {
    static func kinh(female: Bool, using random: inout SplitMix64) -> String {
        let family = random.weighted(families)
        let middle = random.element(of: female ? femaleMiddles : maleMiddles)
        let given = random.element(of: female ? femaleGivens : maleGivens)
        return family + " " + middle + " " + given
    }

    static func kHo(female: Bool, using random: inout SplitMix64) -> String {
        if random.chance(40) {
            return "Điểu " + (female ? "Thị " : "Văn ") + random.element(of: female ? femaleGivens : maleGivens)
        }
        return (female ? "Ka " : "K' ") + random.element(of: female ? kHoFemaleGivens : kHoMaleGivens)
    }

    private static func nfc(_ names: [String]) -> [String] {
        names.map(\.precomposedStringWithCanonicalMapping)
    }

    private static let families: [(String, Int)] = [
        ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Huỳnh", 30), ("Hoàng", 25), ("Phan", 45),
        ("Võ", 30), ("Vũ", 10), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10),
        ("Lý", 5), ("Trương", 12), ("Đinh", 8), ("Lâm", 6), ("Mai", 5), ("Tô", 3), ("Châu", 4),
    ].map { ($0.0.precomposedStringWithCanonicalMapping, $0.1) }
    private static let maleMiddles = nfc(["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Ngọc"])
    private static let femaleMiddles = nfc(["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ"])
    private static let maleGivens = nfc([
        "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hoàng", "Khánh", "Long", "Minh", "Nam", "Phúc", "Quân",
        "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Lộc", "Tài", "Đạt", "Hiếu", "Toàn",
    ])
    private static let femaleGivens = nfc([
        "Anh", "Bích", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Nhung",
        "Oanh", "Phương", "Thảo", "Trang", "Tuyết", "Yến", "Hằng", "Loan", "Xuân", "Ngọc",
    ])
    private static let kHoMaleGivens = nfc(["Điểu", "Brơi", "Ha", "Sơn", "Thương", "Bình", "Dơng", "Lơi", "Ha Sen"])
    private static let kHoFemaleGivens = nfc(["Hoa", "Bé", "Thị Lan", "Điểu", "Nhi", "Sương", "Thị Nga"])
}
