import ChungTayRules
/// Breaks the requested share of loan records, one loan-check kind of RULES.md 2.1
/// after another, so that every kind shows up once enough loans are broken.
struct LoanBreakage {
    enum Kind: CaseIterable {
        case unknownProgram, principalNotPositive, dateInvalid, maturityNotAfterDisbursement, householdNotInList
    }

    let rate: Double
    let seed: UInt64
    private var turn = 0

    init(rate: Double, seed: UInt64) {
        self.rate = rate
        self.seed = seed
    }

    /// Breaks `record` with the bad rate's probability.
    mutating func apply(to record: inout SampleRecord<LoanField>, index: Int) {
        var random = SplitMix64(seed: seed, stream: 4, index: index)
        guard rate > 0, random.chance(fraction: rate) else { return }
        let kind = Kind.allCases[turn % Kind.allCases.count]
        turn += 1
        switch kind {
        case .unknownProgram:
            record[.program] = .text(random.element(of: ["poor_loan", "hộ nghèo", "agriculture"]))
        case .principalNotPositive:
            record[.principal] = .integer(random.chance(50) ? 0 : -10_000_000)
        case .dateInvalid:
            record[random.chance(50) ? .disbursedOn : .maturityOn] = .text(random.chance(50) ? "2024-13-05" : "05/03/2024")
        case .maturityNotAfterDisbursement:
            record[.maturityOn] = record[.disbursedOn]
        case .householdNotInList:
            record[.householdCode] = .text("XX-" + Digits.padded(random.int(in: 0...9_999_999), width: 7))
        }
    }
}
