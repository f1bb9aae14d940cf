import ChungTayCoding
public import ChungTayWire

/// The `batch` object every stage payload carries.
public struct BatchHeader: Sendable, Equatable {
    public var id: String
    /// `YYYY-MM-DD`.
    public var asOf: String
    public var whatIf: Bool

    public init(id: String, asOf: String, whatIf: Bool) {
        self.id = id
        self.asOf = asOf
        self.whatIf = whatIf
    }
}

/// Which stage a chunk goes to.
public enum ChunkStage: Sendable, Equatable {
    /// Stage A (`household.review`): households and their loans.
    case households
    /// Stage B (`loan.status`): loans whose household is not in the list.
    case loansOnly

    /// The kind of the chunk's job.
    public var kind: TaskKind {
        switch self {
        case .households: .householdReview
        case .loansOnly: .loanStatus
        }
    }
}

/// One job's worth of input: a stage A or stage B payload of docs/BATCH.md.
public struct BatchChunk: Sendable, Equatable {
    /// 0-based number within its stage: the N of `BATCH:h:N` / `BATCH:l:N`.
    public let index: Int
    public let stage: ChunkStage
    /// 0-based position among all the batch's chunks (household chunks first).
    public let sequence: Int
    public let households: Int
    public let loans: Int
    /// Stage A: `{"batch":{…},"households":[item…],"loans":[item…]}`;
    /// stage B: `{"batch":{…},"loans":[item…],"reviews":[]}`; a CSV file's list as a table.
    public let payload: [UInt8]
}

/// Pass 2 of docs/BATCH.md: cuts the household list into chunks of at most `chunkSize`
/// households in file order, each with the loans of its households (read back by
/// position; per household in loan-file order), then the loans that join no household
/// into chunks of at most `chunkSize` loans, flagged `household_not_in_list`.
///
/// The same files and chunk size always give the same chunks in the same order, and
/// `chunks(from:)` starts at any chunk without building the payloads before it.
public struct ChunkPlanner: Sendable {
    public let index: ListIndex
    public let batch: BatchHeader
    public let chunkSize: Int
    /// Largest payload a chunk may have; building one past it throws
    /// `BatchInputError.chunkTooLarge` with the line of the record that crossed it, so a
    /// household with a huge loan book is refused before its chunk fills memory or the
    /// dispatcher's largest message (the HTTP API's seal; `batch submit` leaves it unbounded
    /// and the dispatcher refuses the SUBMIT).
    public let maximumPayloadBytes: Int
    let householdSource: ListSource
    let loanSource: ListSource?

    /// - Parameters:
    ///   - chunkSize: households per household chunk, loans per loan-only chunk (at least 1).
    ///   - maximumPayloadBytes: see the property; checked once per record written, and once
    ///     for a loan table's header.
    public init(index: ListIndex, batch: BatchHeader, chunkSize: Int = 500, maximumPayloadBytes: Int = .max) {
        self.index = index
        self.batch = batch
        self.chunkSize = max(chunkSize, 1)
        self.maximumPayloadBytes = maximumPayloadBytes
        householdSource = index.householdSource
        loanSource = index.loanSource
    }

    public var householdChunkCount: Int { (index.householdCount + chunkSize - 1) / chunkSize }
    public var loanChunkCount: Int { (index.unjoinedLoanCount + chunkSize - 1) / chunkSize }
    public var chunkCount: Int { householdChunkCount + loanChunkCount }

    /// The chunks from `sequence` on (0 for all; `householdChunkCount + N` for loan-only
    /// chunk N). Throws `BatchInputError.fileChanged` when a file is not as pass 1 saw it.
    public func chunks(from sequence: Int = 0) throws(BatchInputError) -> BatchChunks {
        try BatchChunks(planner: self, from: max(0, sequence))
    }
}

/// The chunks of a batch, built one at a time as they are asked for.
public final class BatchChunks {
    private let planner: ChunkPlanner
    private let households: RecordReader
    private let loans: RecordReader?
    private let citizenId: RecordReader.FieldLocator
    private let householdCode: RecordReader.FieldLocator
    private var sequence: Int
    /// Number of the household `households` reads next.
    private var nextHousehold = 0
    /// Index in `joinedLoans` of the next loan to attach.
    private var nextLoan = 0
    private var sizeHint = 64 << 10

    init(planner: ChunkPlanner, from sequence: Int) throws(BatchInputError) {
        self.planner = planner
        self.sequence = sequence
        let index = planner.index
        households = try RecordReader(source: planner.householdSource, maximumRecordBytes: index.maximumRecordBytes)
        guard households.identity == index.householdFile else { throw .fileChanged(path: planner.householdSource.shownPath) }
        citizenId = households.locator(for: "citizenId")
        householdCode = households.locator(for: "householdCode")
        if let source = planner.loanSource {
            let loans = try RecordReader(source: source, maximumRecordBytes: index.maximumRecordBytes)
            guard loans.identity == index.loanFile else { throw .fileChanged(path: source.shownPath) }
            self.loans = loans
        } else {
            loans = nil
        }
        if sequence < planner.householdChunkCount {
            try moveToHousehold(sequence * planner.chunkSize)
        }
    }

    /// The next chunk; nil after the last.
    public func next() throws(BatchInputError) -> BatchChunk? {
        guard sequence < planner.chunkCount else { return nil }
        let chunk =
            sequence < planner.householdChunkCount
            ? try householdChunk(sequence) : try loanChunk(sequence - planner.householdChunkCount)
        sequence += 1
        return chunk
    }

    private func householdChunk(_ number: Int) throws(BatchInputError) -> BatchChunk {
        let first = number * planner.chunkSize
        let end = min(first + planner.chunkSize, planner.index.householdCount)
        if nextHousehold != first { try moveToHousehold(first) }
        var writer = JSONWriter(capacity: sizeHint)
        openPayload(&writer)
        writer.key("households")
        households.openList(into: &writer)
        for _ in first..<end {
            guard try households.advance() else { throw .fileChanged(path: planner.householdSource.shownPath) }
            let flags = planner.index.listFlags(
                citizenId: households.currentKey(citizenId), householdCode: households.currentKey(householdCode))
            households.writeCurrentItem(into: &writer, listFlags: flags)
            guard writer.count <= planner.maximumPayloadBytes else {
                throw .chunkTooLarge(path: planner.householdSource.shownPath, line: households.currentLine, limit: planner.maximumPayloadBytes)
            }
        }
        nextHousehold = end
        households.closeList(into: &writer)
        writer.key("loans")
        try openLoanList(&writer)
        let joined = planner.index.joinedLoans
        var loanCount = 0
        while nextLoan < joined.count, Int(joined[nextLoan].household) < end {
            try writeLoan(joined[nextLoan], into: &writer, listFlags: [])
            guard writer.count <= planner.maximumPayloadBytes else {
                throw .chunkTooLarge(
                    path: planner.householdSource.shownPath, line: try householdLine(Int(joined[nextLoan].household)),
                    limit: planner.maximumPayloadBytes)
            }
            loanCount += 1
            nextLoan += 1
        }
        closeLoanList(&writer)
        writer.closeObject()
        sizeHint = max(sizeHint, writer.count + writer.count / 8)
        return BatchChunk(
            index: number, stage: .households, sequence: sequence, households: end - first, loans: loanCount,
            payload: writer.finish())
    }

    private func loanChunk(_ number: Int) throws(BatchInputError) -> BatchChunk {
        let unjoined = planner.index.unjoinedLoans
        let first = number * planner.chunkSize
        let end = min(first + planner.chunkSize, unjoined.count)
        var writer = JSONWriter(capacity: sizeHint)
        openPayload(&writer)
        writer.key("loans")
        try openLoanList(&writer)
        for loan in first..<end {
            let position = unjoined[loan]
            let flags = position.household == ListIndex.notInList ? [ListIndex.householdNotInList] : []
            try writeLoan(position, into: &writer, listFlags: flags)
            guard writer.count <= planner.maximumPayloadBytes else {
                throw .chunkTooLarge(path: planner.loanSource?.shownPath ?? "", line: Int(position.line), limit: planner.maximumPayloadBytes)
            }
        }
        closeLoanList(&writer)
        writer.key("reviews")
        writer.openArray()
        writer.closeArray()
        writer.closeObject()
        sizeHint = max(sizeHint, writer.count + writer.count / 8)
        return BatchChunk(
            index: number, stage: .loansOnly, sequence: sequence, households: 0, loans: end - first, payload: writer.finish())
    }

    /// Opens a stage payload with its `batch` member (docs/BATCH.md).
    private func openPayload(_ writer: inout JSONWriter) {
        writer.openObject()
        writer.key("batch")
        writer.openObject()
        writer.key("id")
        writer.string(planner.batch.id)
        writer.key("asOf")
        writer.string(planner.batch.asOf)
        writer.key("whatIf")
        writer.bool(planner.batch.whatIf)
        writer.closeObject()
    }

    /// The loans' list, a table for a CSV file (`RecordReader.openList`); none without a loan
    /// file. A table's header counts against the chunk's size like its rows (its line 1).
    private func openLoanList(_ writer: inout JSONWriter) throws(BatchInputError) {
        guard let loans else { return writer.openArray() }
        loans.openList(into: &writer)
        guard writer.count <= planner.maximumPayloadBytes else {
            throw .chunkTooLarge(path: planner.loanSource?.shownPath ?? loans.path, line: 1, limit: planner.maximumPayloadBytes)
        }
    }

    private func closeLoanList(_ writer: inout JSONWriter) {
        if let loans { loans.closeList(into: &writer) } else { writer.closeArray() }
    }

    private func writeLoan(
        _ position: ListIndex.Position, into writer: inout JSONWriter, listFlags: [String]
    ) throws(BatchInputError) {
        guard let loans else { throw .fileChanged(path: planner.householdSource.shownPath) }
        do {
            try loans.writeItem(at: Int(position.offset), line: Int(position.line), into: &writer, listFlags: listFlags)
        } catch .noRecord {
            throw .fileChanged(path: planner.loanSource?.shownPath ?? loans.path)
        }
    }

    /// The line household `number` starts on, read again from its checkpoint: only for the
    /// error that names it (a chunk too large), so the chunks keep no line per household.
    private func householdLine(_ number: Int) throws(BatchInputError) -> Int {
        try moveToHousehold(number)
        guard try households.advance() else { throw .fileChanged(path: planner.householdSource.shownPath) }
        return households.currentLine
    }

    /// Makes household `number` the next one read: from the nearest stored position,
    /// reading (not building) the records in between.
    private func moveToHousehold(_ number: Int) throws(BatchInputError) {
        let checkpoints = planner.index.checkpoints
        let slot = number / ListIndex.checkpointInterval
        if slot < checkpoints.count {
            let checkpoint = checkpoints[slot]
            try households.seek(to: Int(checkpoint.offset), line: Int(checkpoint.line))
            for _ in 0..<(number - slot * ListIndex.checkpointInterval) {
                guard try households.advance() else { throw .fileChanged(path: planner.householdSource.shownPath) }
            }
        }
        nextHousehold = number
        nextLoan = planner.index.firstJoinedLoan(fromHousehold: number)
    }
}
