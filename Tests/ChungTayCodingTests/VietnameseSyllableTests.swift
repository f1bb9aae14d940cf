@testable import ChungTayCoding
import Testing

/// The syllable check behind encoding detection: the spellings of Vietnamese names and
/// places pass, and what a wrong decoding makes of them fails.
@Suite struct VietnameseSyllableTests {
    @Test(arguments: [
        "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương",
        "Thị", "Văn", "Hữu", "Đức", "Ngọc", "Mỹ", "Thắng", "Tuấn", "Việt", "Lộc", "Hiếu", "Toàn", "Hạnh", "Tuyết",
        "Yến", "Xuân", "Điểu", "Tánh", "Ruộng", "Khiêm", "Ngâu", "Măng", "Tố", "Nghị", "Suối", "Kiết", "Thôn",
        "xã", "giữa", "giếng", "gìn", "gì", "quốc", "Quỳnh", "quyết", "quăng", "khuỷu", "khuya", "thuở", "ước", "oan",
        "nghiêng", "TRƯỜNG", "ĐỒNG", "uống", "yêu", "kẻ", "ghế", "nghe", "loa", "khoẻ", "khỏe", "hoà", "hòa", "vậy",
        // The Central Highlands' names: final k (any tone), onset clusters.
        "Đắk", "Lắk", "ĐẮK", "Đăk", "Búk", "Krông", "Prông", "Plông", "Đrắk", "Brơi", "Glông",
    ])
    func acceptsVietnamese(_ word: String) {
        #expect(VietnameseSyllable.isValid(word))
    }

    @Test(arguments: [
        "Nguyờịn", "Nguyeăn", "Nguyeãn", "Vaên", "Hoaøng", "ThÞ", "Tr§n", "Lª", "Ph¹m", "ĐứC", "vIệt",
        // A stop final takes only sắc or nặng; one tone a syllable; spelling of k/c, gh/g, ngh/ng, q.
        "càt", "cat", "hoáà", "ce", "ka", "ghan", "ngha", "nge", "qa", "huan", "n", "", "ệệ", "Ñaëng", "Bzơi",
        "Nguyễnn", "tiếngg", "Đắkk", "Kzăk", "Đắck",
    ])
    func refusesWhatIsNotASyllable(_ word: String) {
        #expect(!VietnameseSyllable.isValid(word))
    }
}
