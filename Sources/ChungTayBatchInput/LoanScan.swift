/// Pass 1 over a loan book on its own: each loan's household code and position, kept
/// until the household list has been read and `ListIndex` can join them.
///
/// `@unchecked Sendable` because it moves to the thread that runs it: that thread owns
/// the scan and its reader until it signals that `run` returned, and only then does
/// `ListIndex` read `outcome`.
final class LoanScan: @unchecked Sendable {
    struct Loan {
        /// Trimmed and in NFC, as the households' codes; nil when the loan names none.
        var householdCode: String?
        var line: UInt32
        var offset: Int64
    }

    struct Loans {
        var loans: [Loan] = []
        var errors: InputErrorTally
    }

    private let reader: RecordReader
    private let errorSampleLimit: Int
    /// Loans past which the book is refused (`BatchInputError.tooLarge`) as they are read.
    private let maximumLoans: Int
    /// See `ListIndex.init(households:loans:…:refusingInvalidUTF8:)`.
    private let refusingInvalidUTF8: Bool
    private(set) var outcome: Result<Loans, BatchInputError>?

    init(reader: RecordReader, errorSampleLimit: Int, maximumLoans: Int, refusingInvalidUTF8: Bool) {
        self.reader = reader
        self.errorSampleLimit = errorSampleLimit
        self.maximumLoans = maximumLoans
        self.refusingInvalidUTF8 = refusingInvalidUTF8
    }

    func run() {
        do {
            outcome = .success(try read())
        } catch {
            outcome = .failure(error)
        }
    }

    private func read() throws(BatchInputError) -> Loans {
        let householdCode = reader.locator(for: "householdCode")
        var loans = Loans(errors: InputErrorTally(sampleLimit: errorSampleLimit))
        while try reader.advance() {
            guard reader.currentLine <= Int(UInt32.max), loans.loans.count < maximumLoans else { throw .tooLarge(path: reader.path) }
            if refusingInvalidUTF8, reader.currentHasInvalidUTF8 { throw .notUTF8(path: reader.path, line: reader.currentLine) }
            loans.errors.note(reader)
            loans.loans.append(Loan(householdCode: reader.currentKey(householdCode), line: UInt32(reader.currentLine),
                                    offset: Int64(reader.currentOffset)))
        }
        return loans
    }
}
