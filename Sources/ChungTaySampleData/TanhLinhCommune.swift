import Foundation

/// A pre-July-2025 administrative unit of Tánh Linh district and the commune it became
/// (RULES.md section 4).
///
/// Lists drawn up before the 2025 merger still carry the old names, so the sample data
/// writes both; `weight`, `minorityPercent` and `difficultPercent` are plausible shares
/// for sample data, not statistics.
struct TanhLinhCommune: Sendable {
    let oldName: String
    let newName: String
    /// Two letters for household codes and savings-group ids.
    let code: String
    let isTown: Bool
    let villages: Int
    let weight: Int
    let minorityPercent: Int
    let difficultPercent: Int

    static let all: [TanhLinhCommune] = [
        .init("Lạc Tánh", "Tánh Linh", "LT", town: true, villages: 6, weight: 17, minority: 2, difficult: 0),
        .init("Bắc Ruộng", "Bắc Ruộng", "BR", villages: 6, weight: 8, minority: 5, difficult: 0),
        .init("Đồng Kho", "Đồng Kho", "DK", villages: 5, weight: 8, minority: 20, difficult: 10),
        .init("Đức Bình", "Đồng Kho", "DB", villages: 5, weight: 6, minority: 3, difficult: 0),
        .init("Đức Phú", "Nghị Đức", "DP", villages: 5, weight: 6, minority: 5, difficult: 0),
        .init("Đức Thuận", "Tánh Linh", "DT", villages: 5, weight: 7, minority: 3, difficult: 0),
        .init("Gia An", "Tánh Linh", "GA", villages: 6, weight: 7, minority: 4, difficult: 0),
        .init("Gia Huynh", "Suối Kiết", "GH", villages: 5, weight: 7, minority: 15, difficult: 15),
        .init("Huy Khiêm", "Đồng Kho", "HK", villages: 5, weight: 7, minority: 5, difficult: 0),
        .init("La Ngâu", "Đồng Kho", "LN", villages: 4, weight: 6, minority: 45, difficult: 60),
        .init("Măng Tố", "Bắc Ruộng", "MT", villages: 6, weight: 7, minority: 25, difficult: 30),
        .init("Nghị Đức", "Nghị Đức", "ND", villages: 6, weight: 7, minority: 3, difficult: 0),
        .init("Suối Kiết", "Suối Kiết", "SK", villages: 5, weight: 8, minority: 15, difficult: 20),
    ]

    /// Đức Tân was merged into Măng Tố on 1/1/2020; a few old lists still say Đức Tân.
    static let mergedBefore2020 = "Đức Tân".precomposedStringWithCanonicalMapping

    private init(
        _ oldName: String, _ newName: String, _ code: String, town: Bool = false, villages: Int, weight: Int,
        minority: Int, difficult: Int
    ) {
        self.oldName = oldName.precomposedStringWithCanonicalMapping
        self.newName = newName.precomposedStringWithCanonicalMapping
        self.code = code
        self.isTown = town
        self.villages = villages
        self.weight = weight
        self.minorityPercent = minority
        self.difficultPercent = difficult
    }

    static let weighted: [(TanhLinhCommune, Int)] = all.map { ($0, $0.weight) }

    /// The commune as a list clerk might write it: the new name, the old name, or the old
    /// name with its unit prefix.
    func writtenName(using random: inout SplitMix64) -> String {
        switch random.int(in: 0...99) {
        case 0..<45: return newName
        case 45..<80: return oldName
        case 80..<82 where code == "MT": return Self.mergedBefore2020
        default: return (isTown ? random.element(of: ["thị trấn ", "TT. "]) : "xã ") + oldName
        }
    }
}
