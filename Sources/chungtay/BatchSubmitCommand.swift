import ArgumentParser
import ChungTayBatchInput
import ChungTayClient
import ChungTayCoding
import ChungTayRules
import ChungTayWire
import Foundation

struct BatchSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Review a household list (and its loans) as one batch.",
        discussion: """
            Reads CSV (also ';' or tab delimited, .tsv, .txt), JSON Lines or Excel workbooks (.xlsx), checks the whole \
            list (duplicate citizen IDs and household codes, loans of households not in the list), streams it to the \
            dispatcher in chunks and prints the batch id as the last line of standard output. An office's file is read \
            as it is kept: the encoding (UTF-8, UTF-16, Windows-1258, TCVN3, VNI), the delimiter, how numbers are \
            written and a workbook's sheet and header row are detected and stated on standard error; a file that \
            cannot be read is refused before anything is submitted. Submitting again under the same --name resumes \
            the batch: chunks already accepted are not submitted twice. Lines that cannot be read are reported as \
            FILE:LINE:COLUMN (FILE:SHEET!CELL) on standard error and become flagged documents (data_correction), \
            never a stop.
            """)

    @OptionGroup var client: ClientOptions
    @Option(help: "The household list (.csv, .tsv, .txt, .jsonl or .xlsx).") var households: String
    @Option(help: "The loan list (.csv, .tsv, .txt, .jsonl or .xlsx), joined to households by householdCode.") var loans: String?
    @Option(help: "The household workbook's sheet (default: the first with a row naming householdCode).") var sheet: String?
    @Option(help: "The loan workbook's sheet (default: the first with a row naming loanId).") var loansSheet: String?
    @Option(help: "How numbers and d/m/y dates in text are written: vi (4.965.000, 40,8) or en (default: detected).")
    var locale: NumberLocaleName?
    @Option(help: "The encoding of delimited text: utf-8, windows-1258, tcvn3 or vni (default: detected).")
    var encoding: TextEncodingName?
    @Option(help: "The review date, YYYY-MM-DD.") var asOf: String
    @Flag(help: "Also classify every household under the other poverty standard.") var whatIf = false
    @Option(help: "The batch name, the handle for resuming (default: derived from the inputs and the date).") var name: String?
    @Flag(help: "Follow the batch to completion with a progress display, then print its summary.") var wait = false
    @Option(help: "Households per chunk job (loans per loan-only chunk).") var chunkSize = 500

    func validate() throws {
        var types: [ListFileType] = []
        for path in [households] + (loans.map { [$0] } ?? []) {
            guard FileManager.default.isReadableFile(atPath: path) else { throw ValidationError("cannot read \(path)") }
            guard let type = ListFileType(path: path) else {
                throw ValidationError("\(path): expected a .csv, .tsv, .txt, .jsonl, .ndjson, .json or .xlsx file")
            }
            types.append(type)
        }
        if loansSheet != nil, loans == nil { throw ValidationError("--loans-sheet needs --loans") }
        // An option that cannot apply to any input given is a mistake, not a no-op.
        if sheet != nil, types[0] != .workbook { throw ValidationError("--sheet applies to an .xlsx household list only") }
        if loansSheet != nil, types.last != .workbook { throw ValidationError("--loans-sheet applies to an .xlsx loan list only") }
        if encoding != nil, !types.contains(where: { if case .delimitedText = $0 { true } else { false } }) {
            throw ValidationError("--encoding applies to delimited text (.csv, .tsv, .txt) only")
        }
        if locale != nil, !types.contains(where: { $0 != .jsonLines }) {
            throw ValidationError("--locale applies to delimited text and .xlsx workbooks, not JSON Lines")
        }
        guard CivilDate(iso: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' is not a YYYY-MM-DD date") }
        guard (1...10_000).contains(chunkSize) else { throw ValidationError("--chunk-size must be 1 to 10000") }
        if let name, name.isEmpty || name.utf8.count > 200 { throw ValidationError("--name must be 1 to 200 bytes") }
    }

    func run() throws {
        do {
            // The lists are prepared and read (pass 1) before the batch is opened, so a file
            // that cannot be read leaves no batch behind; the connection, which sends no
            // request, is made meanwhile. Its error counts only after the lists' errors, as
            // when it was made after them. The spools live until `run` returns.
            let connecting = EarlyConnection(client)
            let listsRead = Result { () throws(BatchInputError) in try readLists() }
            let connected = Result { try connecting.connection() }
            let (index, prepared) = try listsRead.get()
            // The batch's identity (its default name, and what a resumed run must match) is each
            // file and, for an office file, the reading chosen for it (sheet, encoding,
            // delimiter, locale), so only known once the lists are prepared.
            let inputs = [households] + (loans.map { [$0] } ?? [])
            let fingerprints = try zip(inputs, prepared).map { path, list in
                try InputFingerprint.describe(path, choices: list.choices)
            }
            let batchName = name ?? InputFingerprint.defaultName(households: households, asOf: asOf, fingerprints: fingerprints)
            let connection = try connected.get()
            var status = try connection.openBatch(BatchOpening(
                name: batchName, asOf: asOf, whatIf: whatIf, submittedBy: InputFingerprint.submitter, inputs: fingerprints))
            if status.state == BatchStatus.accepting {
                status = try submitChunks(status, index: index, connection: connection)
            }
            withExtendedLifetime(prepared) {}
            if wait {
                status = try follow(status, connection: connection)
                print(BatchSummaryText.render(status))
            }
            print(status.id)
            if wait, status.jobs.dead > 0 { throw ExitCode(CLIExit.jobFailed.rawValue) }
        } catch let error as ClientError {
            throw report(error)
        } catch let error as BatchInputError {
            StandardStreams.error("chungtay: \(error)\n")
            throw ExitCode(CLIExit.usage.rawValue)
        }
    }

    /// Prepares each list (an office file converted to a spool, stated on standard error),
    /// then pass 1 (keys). The prepared lists own their spools: keep them until pass 2 is done.
    private func readLists() throws(BatchInputError) -> (ListIndex, [PreparedList]) {
        let started = Date()
        let forcedLocale = locale?.locale
        let forcedEncoding = encoding?.encoding
        let householdList = try ListPreparation.prepare(
            path: households, list: .households, sheet: sheet, locale: forcedLocale, encoding: forcedEncoding)
        let loanList = try loans.map { path throws(BatchInputError) in
            try ListPreparation.prepare(path: path, list: .loans, sheet: loansSheet, locale: forcedLocale, encoding: forcedEncoding)
        }
        let prepared = [householdList] + (loanList.map { [$0] } ?? [])
        for statement in prepared.compactMap(\.statement) { note(statement) }
        let index = try ListIndex(households: householdList, loans: loanList)
        for line in index.inputErrors { note(line) }
        if index.inputErrorCount > index.inputErrors.count {
            note("… \(index.inputErrorCount - index.inputErrors.count) more unreadable lines")
        }
        note("\(index.householdCount) households, \(index.loanCount) loans read in " + BatchProgress.duration(Date().timeIntervalSince(started)))
        return (index, prepared)
    }

    /// Pass 2 (chunks) from where an earlier run of this batch stopped.
    private func submitChunks(_ status: BatchStatus, index: ListIndex, connection: DispatcherClient) throws -> BatchStatus {
        let planner = ChunkPlanner(index: index, batch: BatchHeader(id: status.id, asOf: asOf, whatIf: whatIf), chunkSize: chunkSize)
        // Chunks go out in order and are accepted in order, so what was accepted is a prefix;
        // the margin covers the requests in flight when an earlier run died, and the chunks'
        // idempotency keys make any overlap harmless.
        // The counts come from the dispatcher: clamped, so no number it sends can trap or overshoot.
        let accepted = min(max(status.chunks.householdsAccepted, 0), planner.chunkCount)
            + min(max(status.chunks.loansAccepted, 0), planner.chunkCount)
        let start = min(planner.chunkCount, max(0, accepted - 64))
        if start > 0 { note("\(status.id): resuming after \(start) of \(planner.chunkCount) chunks") }
        let chunks = try planner.chunks(from: start)
        let jobs = AnyIterator<JobSpec> {
            guard let chunk = try? chunks.next() else { return nil }
            return chunk.job(batchId: status.id)
        }
        var submitted = start
        var progress = BatchProgress()
        try connection.submit(IteratorSequence(jobs), batchSize: 2, window: 8) { receipts in
            submitted += receipts.count
            if submitted % 50 == 0 || submitted == planner.chunkCount {
                progress.showSubmission(id: status.id, chunks: submitted, of: planner.chunkCount)
            }
        }
        progress.showSubmission(id: status.id, chunks: submitted, of: planner.chunkCount, final: true)
        // A chunk that could not be built (a file changed under us) ends the stream early: never seal then.
        guard submitted == planner.chunkCount else {
            _ = try chunks.next()
            throw BatchInputError.fileChanged(path: households)
        }
        return try connection.sealBatch(BatchSealing(
            batchId: status.id, householdChunks: planner.householdChunkCount, loanChunks: planner.loanChunkCount,
            inputErrors: index.inputErrorCount))
    }

    /// Follows the batch until it is complete, showing progress: BATCH-STATUS long-polls
    /// the dispatcher answers at completion, or after `progressInterval` with progress.
    /// Completion is the dispatcher's durable fact, so a restart of the dispatcher only
    /// pauses this: a long-poll lost with it is asked again, and only a silence as long as
    /// the client timeout is reported. A dispatcher from before long-polls refuses the wait
    /// frame as `malformed`: it is then polled every `pollingInterval`, as before long-polls.
    private func follow(_ started: BatchStatus, connection: DispatcherClient) throws -> BatchStatus {
        let id = started.id
        var progress = BatchProgress()
        // The status the seal (or open) answered is the first shown, and where the pace starts:
        // a long-poll's first answer may already be the last.
        if !started.isComplete { progress.show(started) }
        var longPolls = true
        var silentSince: ContinuousClock.Instant?
        while true {
            let status: BatchStatus
            do {
                status = longPolls
                    ? try connection.batchStatus(id, waitingUpTo: Self.progressInterval)
                    : try connection.batchStatus(id).status
                silentSince = nil
            } catch {
                switch error {
                case .unreachable:
                    let since = silentSince ?? .now
                    silentSince = since
                    if ContinuousClock.now - since >= connection.timeout {
                        note("\(id): dispatcher not answering; still waiting")
                        silentSince = .now
                    }
                    continue
                case .refused(code: WireError.Code.malformed.rawValue, _) where longPolls:
                    longPolls = false
                    continue
                default:
                    throw error
                }
            }
            progress.show(status, final: status.isComplete)
            if status.isComplete { return status }
            if !longPolls { Thread.sleep(forTimeInterval: Self.pollingInterval.seconds) }
        }
    }

    /// How often a batch being followed shows its progress.
    private static let progressInterval = Duration.seconds(1)
    /// How often a dispatcher without long-polls is asked.
    private static let pollingInterval = Duration.milliseconds(500)

    private func note(_ text: String) {
        StandardStreams.error(text + "\n")
    }
}

/// A number locale as `--locale` spells it (`vi`, `en`); help and errors list them.
struct NumberLocaleName: ExpressibleByArgument {
    var locale: NumberLocale

    init?(argument: String) {
        guard let locale = NumberLocale(rawValue: argument) else { return nil }
        self.locale = locale
    }

    static var allValueStrings: [String] { NumberLocale.allCases.map(\.rawValue) }
}

/// An encoding as `--encoding` spells it (`utf-8`, `windows-1258`, `tcvn3`, `vni`, any
/// case); help and errors list them.
struct TextEncodingName: ExpressibleByArgument {
    var encoding: TextEncodingChoice

    init?(argument: String) {
        guard let encoding = TextEncodingChoice(name: argument) else { return nil }
        self.encoding = encoding
    }

    static var allValueStrings: [String] { TextEncodingChoice.names }
}

/// How a batch's inputs are recognised when it is resumed, and its default name.
enum InputFingerprint {
    /// `name size hash`, the hash (FNV-1a) over the first and last 64 KiB: cheap on a
    /// large file, and a re-export of another list changes it. An office file's `choices`
    /// (`PreparedList.choices`) follow, so another sheet or reading of it is another batch;
    /// a machine file's fingerprint is the file's alone, as before office files were read.
    static func describe(_ path: String, choices: String? = nil) throws -> String {
        let file = try fileFingerprint(path)
        guard let choices else { return file }
        // One line (the store keeps a batch's inputs one per line), and within the wire's cap.
        let line = String(String.UnicodeScalarView(choices.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        let full = "\(file) \(line)"
        if full.utf8.count <= BatchOpening.maxInputLength { return full }
        return "\(file) choices \(String(FNV1a.hash(line.utf8), radix: 16))"
    }

    private static func fileFingerprint(_ path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        var bytes = [UInt8](try handle.read(upToCount: 65536) ?? Data())
        if size > 65536 {
            try handle.seek(toOffset: max(65536, size - 65536))
            bytes += [UInt8](try handle.read(upToCount: 65536) ?? Data())
        }
        return "\(URL(fileURLWithPath: path).lastPathComponent) \(size) \(String(FNV1a.hash(bytes), radix: 16))"
    }

    static func defaultName(households: String, asOf: String, fingerprints: [String]) -> String {
        let hash = FNV1a.hash(fingerprints.joined(separator: "\n").utf8)
        let stem = URL(fileURLWithPath: households).deletingPathExtension().lastPathComponent
        return "\(stem)-\(asOf)-\(String(hash, radix: 16).prefix(8))"
    }

    /// `user@host`, for the audit record.
    static var submitter: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "uid\(getuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}
