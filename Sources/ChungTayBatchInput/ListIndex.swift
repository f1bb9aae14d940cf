public import ChungTayCoding
import Foundation

/// Pass 1 of docs/BATCH.md: the keys of a household list and the positions of a loan
/// book, read once each, with memory proportional to the keys.
///
/// - From the household file: how often each trimmed, non-empty `citizenId` and
///   `householdCode` occurs (keys read as the record checks read text fields: strings,
///   trimmed, in NFC; a number or other non-text value is no key), the first household
///   of each code, and every 64th household's position (so pass 2 can start at any
///   chunk after reading at most 63 records).
/// - From the loan file: per loan, its position and the household it joins, stored as
///   16 bytes (household number, line, offset) sorted by household then file order;
///   loans that join no household kept apart in file order.
///
/// A loan joins the household whose trimmed `householdCode` equals its own. When several
/// households share a code (each flagged `duplicate_household_code`), the loans join the
/// **first** of them only. A loan with no usable `householdCode` (absent, blank, not
/// text) joins none: it goes with the loans whose household is not in the list, but
/// without `household_not_in_list`, as `loanStatuses` does (its own record check reports
/// the missing or invalid field).
public struct ListIndex: Sendable {
    public static let duplicateCitizenId = "duplicate_citizen_id"
    public static let duplicateHouseholdCode = "duplicate_household_code"
    public static let householdNotInList = "household_not_in_list"

    /// Households between two stored positions.
    static let checkpointInterval = 64

    /// What pass 2 reads again, and the files as pass 1 saw them.
    public let householdSource: ListSource
    public let loanSource: ListSource?
    public let householdFile: FileIdentity
    public let loanFile: FileIdentity?
    /// Records (lines with an `inputError` included) in each file.
    public private(set) var householdCount = 0
    public private(set) var loanCount = 0
    /// Records of both files with an `inputError`.
    public var inputErrorCount: Int { errors.count }
    /// The first `errorSampleLimit` of them, as `file:line:column: message`.
    public var inputErrors: [String] { errors.samples }
    private var errors: InputErrorTally
    public let maximumRecordBytes: Int

    struct CodeEntry {
        /// Number (0-based, file order) of the first household with the code.
        var first: UInt32
        var count: UInt32
    }

    /// A record's place: `household` is the household number a loan joins, or one of the
    /// two markers below.
    struct Position {
        var household: UInt32
        var line: UInt32
        var offset: Int64
    }

    static let notInList = UInt32.max
    static let noCode = UInt32.max - 1

    private var citizenIds: [String: UInt32] = [:]
    private var householdCodes: [String: CodeEntry] = [:]
    private(set) var checkpoints: [Position] = []
    /// Loans that join a household, sorted by household then offset (= file order).
    private(set) var joinedLoans: [Position] = []
    /// Loans that join none, in file order.
    private(set) var unjoinedLoans: [Position] = []

    /// Reads both files once (pass 1).
    ///
    /// - Parameters:
    ///   - households: the household list (`.csv`, `.jsonl`, `.ndjson`, `.json`).
    ///   - loans: the loan book, if any.
    ///   - errorSampleLimit: how many input errors to keep as text for the operator.
    ///   - concurrently: count the households' citizen IDs and household codes on a thread
    ///     each while they are read, and read the loan book on a fourth. Pass 1 is the only
    ///     time a batch's workers wait for the client; on the 1,000,000-household demo it takes
    ///     about 4 s on one thread, 1.6 s this way on two cores.
    ///   - maximumHouseholds, maximumLoans: records past which a file is refused
    ///     (`BatchInputError.tooLarge`) as soon as they are read, so the index's memory stays
    ///     bounded: the HTTP API's seal reads remote clients' lists in the dispatcher's own
    ///     process. By default only what the index can address bounds them.
    ///   - refusingInvalidUTF8: as for prepared lists below; the HTTP API's seal refuses such a
    ///     list, whose pieces were uploaded as UTF-8.
    public init(
        households: String, loans: String?, maximumRecordBytes: Int = 1 << 20, errorSampleLimit: Int = 100,
        concurrently: Bool = true, maximumHouseholds: Int = .max, maximumLoans: Int = .max, refusingInvalidUTF8: Bool = false
    ) throws(BatchInputError) {
        try self.init(
            households: ListSource(path: households), loans: loans.map(ListSource.init(path:)),
            maximumRecordBytes: maximumRecordBytes, errorSampleLimit: errorSampleLimit, concurrently: concurrently,
            maximumHouseholds: maximumHouseholds, maximumLoans: maximumLoans, refusingInvalidUTF8: refusingInvalidUTF8)
    }

    /// Reads the lists `ListPreparation` prepared once (pass 1), as `init(households:loans:…)`.
    ///
    /// - Parameter refusingInvalidUTF8: a CSV record with invalid UTF-8 refuses its file
    ///   (`BatchInputError.notUTF8`) instead of becoming an unreadable record: `batch submit`
    ///   read the file's first MiB as UTF-8, so invalid UTF-8 later means another encoding,
    ///   and reviewing its records as unreadable would only send letters about damage that
    ///   is not in the data.
    public init(
        households: PreparedList, loans: PreparedList?, maximumRecordBytes: Int = 1 << 20, errorSampleLimit: Int = 100,
        concurrently: Bool = true, refusingInvalidUTF8: Bool = true
    ) throws(BatchInputError) {
        try self.init(
            households: households.source, loans: loans?.source, maximumRecordBytes: maximumRecordBytes,
            errorSampleLimit: errorSampleLimit, concurrently: concurrently, maximumHouseholds: .max, maximumLoans: .max,
            refusingInvalidUTF8: refusingInvalidUTF8)
    }

    private init(
        households: ListSource, loans: ListSource?, maximumRecordBytes: Int, errorSampleLimit: Int, concurrently: Bool,
        maximumHouseholds: Int, maximumLoans: Int, refusingInvalidUTF8: Bool
    ) throws(BatchInputError) {
        self.maximumRecordBytes = maximumRecordBytes
        errors = InputErrorTally(sampleLimit: errorSampleLimit)
        householdSource = households
        loanSource = loans
        let householdReader = try RecordReader(source: households, maximumRecordBytes: maximumRecordBytes)
        var loanReader: RecordReader?
        if let loans { loanReader = try RecordReader(source: loans, maximumRecordBytes: maximumRecordBytes) }
        householdFile = householdReader.identity
        loanFile = loanReader?.identity
        guard let loanReader else {
            try readHouseholds(
                householdReader, concurrently: concurrently, maximum: maximumHouseholds, refusingInvalidUTF8: refusingInvalidUTF8)
            keepRepeatedKeysOnly()
            return
        }
        let loanScan = LoanScan(
            reader: loanReader, errorSampleLimit: errorSampleLimit, maximumLoans: maximumLoans,
            refusingInvalidUTF8: refusingInvalidUTF8)
        if concurrently {
            let finished = DispatchSemaphore(value: 0)
            let thread = Thread {
                loanScan.run()
                finished.signal()
            }
            thread.name = "chungtay-pass1-loans"
            thread.start()
            // The loan thread owns its reader until it signals, also when households fail.
            defer { finished.wait() }
            try readHouseholds(
                householdReader, concurrently: true, maximum: maximumHouseholds, refusingInvalidUTF8: refusingInvalidUTF8)
        } else {
            try readHouseholds(
                householdReader, concurrently: false, maximum: maximumHouseholds, refusingInvalidUTF8: refusingInvalidUTF8)
            loanScan.run()
        }
        try join(loanScan)
        keepRepeatedKeysOnly()
    }

    /// Pass 2 needs only the keys that occur more than once.
    private mutating func keepRepeatedKeysOnly() {
        citizenIds = citizenIds.filter { $0.value > 1 }
        householdCodes = householdCodes.filter { $0.value.count > 1 }
    }

    /// Loans that join a household of the list.
    public var joinedLoanCount: Int { joinedLoans.count }
    /// Loans whose household is not in the list (or that name none).
    public var unjoinedLoanCount: Int { unjoinedLoans.count }

    /// The list-level flags of a household record: `duplicate_citizen_id`,
    /// `duplicate_household_code`, in that order, when its key occurs more than once.
    public func listFlags(for record: JSONObject) -> [String] {
        listFlags(citizenId: RecordKey.text(of: record["citizenId"]), householdCode: RecordKey.text(of: record["householdCode"]))
    }

    /// The list-level flags of a household with these keys (trimmed, NFC).
    func listFlags(citizenId: String?, householdCode: String?) -> [String] {
        var flags: [String] = []
        if let citizenId, citizenIds[citizenId, default: 0] > 1 {
            flags.append(Self.duplicateCitizenId)
        }
        if let householdCode, let entry = householdCodes[householdCode], entry.count > 1 {
            flags.append(Self.duplicateHouseholdCode)
        }
        return flags
    }

    private mutating func readHouseholds(
        _ reader: RecordReader, concurrently: Bool, maximum: Int, refusingInvalidUTF8: Bool
    ) throws(BatchInputError) {
        // The one comparison per record there was already (`noCode`), with the caller's bound.
        let limit = min(maximum, Int(Self.noCode))
        let counter = HouseholdKeyCounter(concurrently: concurrently)
        var finished = false
        defer { if !finished { counter.finish() } }
        let citizenId = reader.locator(for: "citizenId")
        let householdCode = reader.locator(for: "householdCode")
        var number = 0
        var batch = HouseholdKeyCounter.Batch(firstNumber: 0)
        batch.keys.reserveCapacity(HouseholdKeyCounter.batchSize)
        while try reader.advance() {
            guard number < limit, reader.currentLine <= Int(UInt32.max) else {
                throw .tooLarge(path: reader.path)
            }
            if refusingInvalidUTF8, reader.currentHasInvalidUTF8 { throw .notUTF8(path: reader.path, line: reader.currentLine) }
            if number % Self.checkpointInterval == 0 {
                checkpoints.append(
                    Position(household: UInt32(number), line: UInt32(reader.currentLine), offset: Int64(reader.currentOffset)))
            }
            errors.note(reader)
            batch.keys.append((reader.currentKey(citizenId), reader.currentKey(householdCode)))
            number += 1
            if batch.keys.count == HouseholdKeyCounter.batchSize {
                counter.add(batch)
                batch = HouseholdKeyCounter.Batch(firstNumber: number)
                batch.keys.reserveCapacity(HouseholdKeyCounter.batchSize)
            }
        }
        counter.add(batch)
        counter.finish()
        finished = true
        householdCount = number
        citizenIds = counter.citizenIds
        householdCodes = counter.householdCodes
    }

    /// Joins the loans read by `scan` to the households read here, in the loan file's order.
    private mutating func join(_ scan: LoanScan) throws(BatchInputError) {
        let scanned = try scan.outcome!.get()
        loanCount = scanned.loans.count
        errors.append(scanned.errors)
        for loan in scanned.loans {
            if let code = loan.householdCode {
                if let entry = householdCodes[code] {
                    joinedLoans.append(Position(household: entry.first, line: loan.line, offset: loan.offset))
                } else {
                    unjoinedLoans.append(Position(household: Self.notInList, line: loan.line, offset: loan.offset))
                }
            } else {
                unjoinedLoans.append(Position(household: Self.noCode, line: loan.line, offset: loan.offset))
            }
        }
        joinedLoans.sort { ($0.household, $0.offset) < ($1.household, $1.offset) }
    }

    /// Index in `joinedLoans` of the first loan of household `number` or a later one.
    func firstJoinedLoan(fromHousehold number: Int) -> Int {
        var low = 0
        var high = joinedLoans.count
        while low < high {
            let middle = (low + high) / 2
            if Int(joinedLoans[middle].household) < number { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
