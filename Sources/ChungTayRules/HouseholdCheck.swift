import ChungTayCoding

/// The record checks of RULES.md 1.7 on one household record, and the checked facts
/// when no check failed with an error.
///
/// Flags are emitted code by code in the RULES.md table order and, within a code, in
/// SCHEMA.md field order, so the same record always gives the same flags in the same
/// order.
struct HouseholdCheck {
    let householdCode: String?
    let headName: String?
    /// The citizen ID as given (trimmed), for the list-level duplicate check.
    let citizenId: String?
    /// The commune's current name: the new commune for a pre-July-2025 name, the
    /// canonical spelling for a known commune, otherwise the name as given.
    let commune: String?
    let village: String?
    let savingsGroup: String?
    let association: Association?
    /// The list status; nil when it is not a valid one.
    let previous: ListStatus?
    private(set) var flags: [RecordFlag]
    /// Nil when the record cannot be classified.
    let facts: HouseholdFacts?

    /// A member count: a whole number of at least 0 (2.0 counts as 2).
    private enum Count: Equatable {
        case absent
        case count(Int)
        case invalid

        init(_ value: FieldValue) {
            switch value {
            case .absent: self = .absent
            case .number(let number):
                if let integer = number.integerValue, integer >= 0 { self = .count(integer) } else { self = .invalid }
            default: self = .invalid
            }
        }

        /// The value with absent meaning 0; nil when invalid.
        var valueOrZero: Int? {
            switch self {
            case .absent: 0
            case .count(let value): value
            case .invalid: nil
            }
        }
    }

    // The readings stay in one initialiser so that each check reads exactly the values
    // the others do; splitting it would pass two dozen readings around.
    init(_ record: HouseholdRecord, rules: RuleBook) {
        let catalog = rules.flags
        var flags: [RecordFlag] = []
        func add(_ code: FlagCode, _ field: HouseholdField, detail: String = "") {
            flags.append(catalog.flag(code, field: field.name, detail: detail))
        }

        let code = record[.householdCode]
        let head = record[.headName]
        let citizenId = record[.citizenId]
        let communeName = record[.commune]
        let area = Self.spelling(record[.area].text, in: Self.areas)
        let members = Count(record[.members])
        let monthlyIncome = record[.monthlyIncomePerCapita]
        let annualIncome = record[.annualHouseholdIncome]
        let memberCounts = (
            Count(record[.unemployedMembers]), Count(record[.noContractWageMembers]), Count(record[.dependants]),
            Count(record[.malnourishedChildren]), Count(record[.uninsuredMembersAged6Plus]),
            Count(record[.undereducatedAdults16to30]), Count(record[.childrenOutOfSchool3to15])
        )
        func forEachMemberCount(_ body: (HouseholdField, Count) -> Void) {
            body(.unemployedMembers, memberCounts.0)
            body(.noContractWageMembers, memberCounts.1)
            body(.dependants, memberCounts.2)
            body(.malnourishedChildren, memberCounts.3)
            body(.uninsuredMembersAged6Plus, memberCounts.4)
            body(.undereducatedAdults16to30, memberCounts.5)
            body(.childrenOutOfSchool3to15, memberCounts.6)
        }
        var nonDurable = Count(record[.nonDurableHousingParts])
        if case .count(let parts) = nonDurable, parts > 3 { nonDurable = .invalid }
        let housingArea = record[.housingAreaM2]
        let listStatusText = record[.listStatus]
        let listStatus = Self.spelling(listStatusText.text, in: Self.listStatuses)
        let listStatusSince = record[.listStatusSince]
        let associationText = record[.association]
        let association = Self.spelling(associationText.text, in: Self.associations)

        // field_missing
        if code.isAbsent { add(.fieldMissing, .householdCode) }
        if head.isAbsent { add(.fieldMissing, .headName) }
        if communeName.isAbsent { add(.fieldMissing, .commune) }
        if listStatus == .newlyEscaped && listStatusSince.isAbsent { add(.fieldMissing, .listStatusSince) }

        // field_invalid
        for field in [HouseholdField.householdCode, .headName, .province, .commune, .village] where record[field].isInvalid {
            add(.fieldInvalid, field)
        }
        forEachMemberCount { field, count in if count == .invalid { add(.fieldInvalid, field) } }
        if nonDurable == .invalid { add(.fieldInvalid, .nonDurableHousingParts) }
        if housingArea.isInvalid { add(.fieldInvalid, .housingAreaM2) }
        for field in [HouseholdField.safeWater, .hygienicLatrine, .telecomUse, .informationDevices, .ethnicMinority,
            .especiallyDifficultArea] where record[field].isInvalid
        {
            add(.fieldInvalid, field)
        }
        if !listStatusText.isAbsent && listStatus == nil { add(.fieldInvalid, .listStatus) }
        if record[.savingsGroup].isInvalid { add(.fieldInvalid, .savingsGroup) }
        if !associationText.isAbsent && association == nil { add(.fieldInvalid, .association) }
        if record[.phone].isInvalid { add(.fieldInvalid, .phone) }

        // citizen_id_format, citizen_id_province
        if let digits = citizenId.text.flatMap(Self.provinceCode) {
            if !rules.reviewPolicy.provinceCodes.contains(digits) {
                add(.citizenIdProvince, .citizenId, detail: String(citizenId.text!.prefix(3)))
            }
        } else {
            add(.citizenIdFormat, .citizenId)
        }

        // members_invalid
        var validMembers: Int?
        if case .count(let count) = members, count >= 1 { validMembers = count } else { add(.membersInvalid, .members) }

        // income_missing
        func validIncome(_ value: FieldValue) -> DecimalNumber? {
            if case .number(let amount) = value, !amount.isNegative { return amount }
            return nil
        }
        if monthlyIncome.isAbsent && annualIncome.isAbsent {
            add(.incomeMissing, .monthlyIncomePerCapita)
        } else {
            if !monthlyIncome.isAbsent && validIncome(monthlyIncome) == nil { add(.incomeMissing, .monthlyIncomePerCapita) }
            if !annualIncome.isAbsent && validIncome(annualIncome) == nil { add(.incomeMissing, .annualHouseholdIncome) }
        }

        // counts_exceed_members
        if let validMembers {
            forEachMemberCount { field, reading in
                if case .count(let count) = reading, count > validMembers {
                    add(.countsExceedMembers, field, detail: String(count))
                }
            }
        }

        // area_invalid, housing_area_invalid, date_invalid
        if area == nil { add(.areaInvalid, .area) }
        if housingArea.isAbsent { add(.housingAreaInvalid, .housingAreaM2) }
        if case .number(let squareMetres) = housingArea, squareMetres.isNegative { add(.housingAreaInvalid, .housingAreaM2) }
        if case .invalid(let given) = listStatusSince { add(.dateInvalid, .listStatusSince, detail: given) }

        // commune_renamed
        var currentCommune = communeName.text
        if let given = communeName.text {
            switch rules.communes.match(given) {
            case .current(let canonical):
                currentCommune = canonical
            case .renamed(let newName, let renamedFlags):
                currentCommune = newName
                if flags.isEmpty { flags = renamedFlags } else { flags.append(contentsOf: renamedFlags) }
            case .unknown:
                break
            }
        }

        householdCode = code.text
        headName = head.text
        self.citizenId = citizenId.text
        commune = currentCommune
        village = record[.village].text
        savingsGroup = record[.savingsGroup].text
        self.association = association
        previous = listStatusText.isAbsent ? ListStatus.none : listStatus
        self.flags = flags

        func flag(_ field: HouseholdField, default defaultValue: Bool) -> Bool? {
            switch record[field] {
            case .absent: defaultValue
            case .flag(let value): value
            default: nil
            }
        }
        var since: CivilDate?
        if case .date(let date) = listStatusSince { since = date }
        guard !flags.containsError, let area, let validMembers, let status = previous,
            status != .newlyEscaped || since != nil,
            let income = Self.incomePerCapita(
                monthly: validIncome(monthlyIncome), annual: validIncome(annualIncome), members: validMembers
            ),
            let unemployed = memberCounts.0.valueOrZero, let noContract = memberCounts.1.valueOrZero,
            let dependants = memberCounts.2.valueOrZero, let malnourished = memberCounts.3.valueOrZero,
            let uninsured = memberCounts.4.valueOrZero, let undereducated = memberCounts.5.valueOrZero,
            let outOfSchool = memberCounts.6.valueOrZero, let nonDurableParts = nonDurable.valueOrZero,
            case .number(let squareMetres) = housingArea, !squareMetres.isNegative,
            let safeWater = flag(.safeWater, default: true), let latrine = flag(.hygienicLatrine, default: true),
            let telecom = flag(.telecomUse, default: true), let devices = flag(.informationDevices, default: true),
            let ethnicMinority = flag(.ethnicMinority, default: false),
            let difficultArea = flag(.especiallyDifficultArea, default: false)
        else {
            facts = nil
            return
        }
        facts = HouseholdFacts(
            area: area, members: validMembers, incomePerCapita: income,
            unemployedMembers: unemployed, noContractWageMembers: noContract, dependants: dependants,
            malnourishedChildren: malnourished, uninsuredMembersAged6Plus: uninsured,
            undereducatedAdults16to30: undereducated, childrenOutOfSchool3to15: outOfSchool,
            nonDurableHousingParts: nonDurableParts, housingAreaM2: squareMetres,
            safeWater: safeWater, hygienicLatrine: latrine, telecomUse: telecom, informationDevices: devices,
            ethnicMinority: ethnicMinority, especiallyDifficultArea: difficultArea,
            listStatus: status, listStatusSince: since
        )
    }

    /// Adds list-level flags (duplicates), which come after the record's own flags in
    /// table order; an error among them leaves the household unclassified.
    mutating func append(listFlags: [RecordFlag]) {
        flags.append(contentsOf: listFlags)
    }

    // `init(rawValue:)` of a string enum searches through a generic switch helper that
    // cost more than all the checks of a record; these few spellings are compared directly.
    private static let areas = Area.allCases.map { ($0.rawValue, $0) }
    private static let listStatuses = ListStatus.allCases.map { ($0.rawValue, $0) }
    private static let associations = Association.allCases.map { ($0.rawValue, $0) }

    private static func spelling<Value>(_ text: String?, in spellings: [(String, Value)]) -> Value? {
        guard let text else { return nil }
        for (spelling, value) in spellings where spelling == text { return value }
        return nil
    }

    /// The first three digits of a citizen ID of exactly 12 ASCII digits; nil otherwise.
    private static func provinceCode(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            guard bytes.count == 12 else { return nil }
            var code = 0
            for (position, byte) in bytes.enumerated() {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                if position < 3 { code = code * 10 + Int(byte - UInt8(ascii: "0")) }
            }
            return code
        }
    }

    /// RULES.md 1.2: the monthly figure wins; otherwise annual / 12 / members. Both are
    /// rounded down to whole đồng, exactly.
    private static func incomePerCapita(monthly: DecimalNumber?, annual: DecimalNumber?, members: Int) -> Int? {
        if let monthly { return monthly.floor }
        guard let annual else { return nil }
        let divisor = DecimalNumber.powerOfTen128(annual.scale) * 12 * Int128(members)
        return Int(clamping: Int128(annual.units) / divisor)
    }
}
