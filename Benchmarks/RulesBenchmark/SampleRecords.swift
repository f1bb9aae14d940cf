import ChungTayCoding
import ChungTayRules

/// A fixed, deterministic set of varied records (a linear congruential generator with
/// a fixed seed), so every run measures the same work: rural and urban households
/// around the poverty lines, every list status, CSV-style strings, NFD names, old
/// commune names and a few records with errors; loans of every programme with
/// repayments, adjustments, extensions, freezes, misuse and write-offs.
struct SampleRecords {
    let households: [HouseholdRecord]
    let householdPayloads: [[UInt8]]
    let loans: [LoanRecord]
    let loanPayloads: [[UInt8]]

    static let asOf = "2026-06-15"

    init(count: Int) {
        var random = Generator(seed: 20_260_615)
        var households: [HouseholdRecord] = []
        var householdPayloads: [[UInt8]] = []
        var loans: [LoanRecord] = []
        var loanPayloads: [[UInt8]] = []
        for index in 0..<count {
            let household = Self.householdJSON(index, &random)
            households.append(HouseholdRecord(Self.object(household)))
            householdPayloads.append(
                Array(#"{"asOf":"\#(Self.asOf)","household":\#(household),"whatIf":\#(index % 4 == 0),"standard":null}"#.utf8)
            )
            let loan = Self.loanJSON(index, &random)
            loans.append(LoanRecord(Self.object(loan)))
            loanPayloads.append(Array(#"{"asOf":"\#(Self.asOf)","loan":\#(loan),"dueSoonDays":30}"#.utf8))
        }
        self.households = households
        self.householdPayloads = householdPayloads
        self.loans = loans
        self.loanPayloads = loanPayloads
    }

    /// Records for the rules-only benchmarks are decoded once, outside the measurement.
    private static func object(_ json: String) -> JSONObject {
        guard case .object(let object)? = try? JSONValue(parsing: Array(json.utf8)) else {
            fatalError("bad sample record: \(json)")
        }
        return object
    }

    private static let communes = ["Tánh Linh", "xã Lạc Tánh", "Gia An", "Suối Kiết", "Nghị Đức", "Bắc Ruộng", "Đồng Kho", "TT. Lạc Tánh", "Huy Khiêm"]
    private static let names = ["Nguyễn Văn An", "Trần Thị Bình", "K'Điểu", "Lê Văn Cường", "Phạm Thị Dung", "Ma Thị Hoa"]
    private static let statuses = ["poor", "near_poor", "newly_escaped", "average", "none", "none"]
    private static let associations = ["farmers", "women", "veterans", "youth"]
    private static let programmes = ["poor_household", "near_poor_household", "newly_escaped_household", "student", "job_creation", "clean_water_sanitation", "housing_poor"]

    private static func householdJSON(_ index: Int, _ random: inout Generator) -> String {
        let rural = random.next(4) != 0
        let line = rural ? 1_500_000 : 2_000_000
        let members = 1 + random.next(7)
        let income = line - 600_000 + random.next(1_400_000)
        var name = names[random.next(names.count)]
        if index % 7 == 0 { name = name.decomposedForSample }
        let status = statuses[random.next(statuses.count)]
        let since = "20\(23 + random.next(3))-0\(1 + random.next(9))-1\(random.next(9))"
        let incomeField = index % 3 == 0
            ? #""annualHouseholdIncome":\#(income * 12 * members)"#
            : #""monthlyIncomePerCapita":\#(income)"#
        // Every 11th record spells its counts as CSV text, every 5th its booleans.
        func count(_ limit: Int) -> String {
            index % 11 == 0 ? #""\#(random.next(limit))""# : "\(random.next(limit))"
        }
        func yesNo() -> String {
            let no = random.next(5) == 0
            return index % 5 == 0 ? (no ? #""không""# : #""có""#) : (no ? "false" : "true")
        }
        let citizenId = index % 53 == 0 ? "12345" : "0\(60 + random.next(9))\(100_000_000 + random.next(899_999_999))"
        return """
            {"householdCode":"TL-\(index)","headName":"\(name)","citizenId":"\(citizenId)","province":"Lâm Đồng",\
            "commune":"\(communes[random.next(communes.count)])","village":"Thôn \(1 + random.next(9))",\
            "area":"\(rural ? "rural" : "urban")","members":\(members),\(incomeField),\
            "unemployedMembers":\(count(2)),"noContractWageMembers":\(count(2)),"dependants":\(count(members + 1)),\
            "malnourishedChildren":\(count(2)),"uninsuredMembersAged6Plus":\(count(2)),\
            "undereducatedAdults16to30":\(count(2)),"childrenOutOfSchool3to15":\(count(2)),\
            "nonDurableHousingParts":\(random.next(4)),"housingAreaM2":\(6 * members + random.next(30)).5,\
            "safeWater":\(yesNo()),"hygienicLatrine":\(yesNo()),"telecomUse":\(yesNo()),"informationDevices":\(yesNo()),\
            "ethnicMinority":\(random.next(3) == 0),"especiallyDifficultArea":\(random.next(4) == 0),\
            "listStatus":"\(status)","listStatusSince":"\(since)","savingsGroup":"TL-G\(random.next(40))",\
            "association":"\(associations[random.next(associations.count)])","phone":"09\(10_000_000 + random.next(89_999_999))"}
            """
    }

    private static func loanJSON(_ index: Int, _ random: inout Generator) -> String {
        let programme = programmes[random.next(programmes.count)]
        let principal = (5 + random.next(96)) * 1_000_000
        let year = 2021 + random.next(5)
        let month = 1 + random.next(12)
        let day = [1, 15, 28, 29, 30, 31][random.next(6)]
        let disbursed = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day > 28 && month == 2 ? 28 : (day == 31 && [4, 6, 9, 11].contains(month) ? 30 : day))"
        let termYears = 2 + random.next(4)
        let maturity = "\(year + termYears)-\(month < 10 ? "0" : "")\(month)-15"
        let period = [1, 3, 6, 12][random.next(4)]
        let repaid = principal / (1 + random.next(6)) / 1000 * 1000
        var extra = ""
        switch index % 12 {
        case 1: extra = #","extendedTo":"\#(year + termYears + 1)-06-30""#
        case 2: extra = #","frozenFrom":"2026-01-01","frozenTo":"2026-12-31""#
        case 3: extra = #","misusedFunds":true,"misuseFoundOn":"2026-03-01""#
        case 4: extra = #","writtenOffOn":"2026-02-01""#
        case 5: extra = #","termAdjustments":[{"dueOn":"2026-07-15","newDueOn":"2026-08-15"}]"#
        case 6: extra = #","annualRatePercent":"7.2","interestPaidThrough":"2026-01-01""#
        default: break
        }
        return """
            {"loanId":"L-\(index)","householdCode":"TL-\(index)","program":"\(programme)","principal":\(principal),\
            "disbursedOn":"\(disbursed)","maturityOn":"\(maturity)","repaymentPeriodMonths":\(period),\
            "principalRepaid":\(repaid)\(extra)}
            """
    }

    /// A small LCG (Knuth's MMIX constants): same seed, same records, on every machine.
    struct Generator {
        private var state: UInt64

        init(seed: UInt64) {
            state = seed
        }

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }
}

extension String {
    /// NFD spelling, to include names that must be normalised on input.
    fileprivate var decomposedForSample: String {
        String(String.UnicodeScalarView(unicodeScalars.flatMap { scalar -> [Unicode.Scalar] in
            switch scalar {
            case "ễ": ["e", "\u{0302}", "\u{0303}"]
            case "ầ": ["a", "\u{0302}", "\u{0300}"]
            case "ị": ["i", "\u{0323}"]
            default: [scalar]
            }
        }))
    }
}
