/// The VBSP programmes of RULES.md 2.1 with the loan sizes and terms typical of each,
/// and which programmes a household of a given plan tends to borrow from.
struct LoanProgramme {
    let id: String
    /// Principal choices in millions of đồng.
    let millions: ClosedRange<Int>
    let millionsStep: Int
    let termMonths: [Int]
    let periodMonths: [Int]

    static let poorHousehold = LoanProgramme(id: "poor_household", millions: 20...100, millionsStep: 5, termMonths: [36, 48, 60], periodMonths: [6, 12])
    static let nearPoorHousehold = LoanProgramme(id: "near_poor_household", millions: 20...100, millionsStep: 5, termMonths: [36, 48, 60], periodMonths: [6, 12])
    static let newlyEscapedHousehold = LoanProgramme(id: "newly_escaped_household", millions: 20...100, millionsStep: 5, termMonths: [36, 48, 60], periodMonths: [6, 12])
    /// Up to 4,000,000 per month of study, 18 to 40 months financed.
    static let student = LoanProgramme(id: "student", millions: 72...160, millionsStep: 4, termMonths: [72, 96, 120], periodMonths: [6])
    static let jobCreation = LoanProgramme(id: "job_creation", millions: 30...100, millionsStep: 10, termMonths: [36, 48, 60], periodMonths: [6, 12])
    static let cleanWaterSanitation = LoanProgramme(id: "clean_water_sanitation", millions: 10...25, millionsStep: 1, termMonths: [60], periodMonths: [6, 12])
    static let housingPoor = LoanProgramme(id: "housing_poor", millions: 40...50, millionsStep: 10, termMonths: [180, 240, 300], periodMonths: [12])

    static func drawn(for plan: HouseholdPlan, using random: inout SplitMix64) -> LoanProgramme {
        if plan.computed == .poor || plan.listStatus == "poor" {
            return random.weighted([(poorHousehold, 55), (housingPoor, 10), (cleanWaterSanitation, 15), (student, 10), (jobCreation, 10)])
        }
        if plan.computed == .nearPoor || plan.listStatus == "near_poor" {
            return random.weighted([(nearPoorHousehold, 55), (cleanWaterSanitation, 15), (student, 15), (jobCreation, 10), (housingPoor, 5)])
        }
        if plan.listStatus == "newly_escaped" {
            return random.weighted([(newlyEscapedHousehold, 55), (cleanWaterSanitation, 15), (student, 15), (jobCreation, 15)])
        }
        return random.weighted([(jobCreation, 35), (cleanWaterSanitation, 35), (student, 25), (nearPoorHousehold, 5)])
    }

    func principal(using random: inout SplitMix64) -> Int {
        let steps = (millions.upperBound - millions.lowerBound) / millionsStep
        return (millions.lowerBound + random.int(in: 0...steps) * millionsStep) * 1_000_000
    }
}
