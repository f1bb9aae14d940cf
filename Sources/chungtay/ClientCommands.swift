import ArgumentParser
import ChungTayClient
import ChungTayCoding
import ChungTayWire
import Foundation

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a file's bytes as a job (or each line as a job with --lines).",
        discussion: "Prints one job id per line, or with --wait the stored result of each job as one JSON line.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The task kind, e.g. system.echo or household.review.") var kind: String
    @Argument(help: "The payload file, or - for standard input.") var file: String
    @Flag(help: "Wait for the jobs to finish and print their results.") var wait = false
    /// Every command that connects takes `--key` for its CURVE secret key file; here, without a
    /// server key, `--key K` is still the idempotency key (issue 2's interface).
    @Option(help: """
        Idempotency key: resubmitting with the same key returns the first job's id. Without --server-key, \
        --key K means the same (as before CURVE); with it, --key is this client's secret key file.
        """)
    var idempotencyKey: String?
    @Option(help: "Priority; higher runs first.") var priority: Int16 = 0
    @Flag(help: "Each line of the file is one job (keys get the suffix #LINE).") var lines = false

    func validate() throws {
        guard JobSpec.isValidKind(kind) else { throw ValidationError("'\(kind)' is not a kind name (lowercase letters, digits, '.', '_', '-')") }
        if file != "-", !FileManager.default.isReadableFile(atPath: file) { throw ValidationError("cannot read \(file)") }
        // With --lines the key gets a #LINE suffix of up to 20 characters.
        if let idempotencyKey, idempotencyKey.utf8.count > JobSpec.maxKeyLength - 21 {
            throw ValidationError("--idempotency-key is longer than \(JobSpec.maxKeyLength - 21) bytes")
        }
    }

    /// `--idempotency-key`, else a `--key` that is not a key file because no server key is set.
    private func jobKey(_ connection: DispatcherClient) throws -> String? {
        guard !connection.usesCurve, let legacy = client.curve.key else { return idempotencyKey }
        guard idempotencyKey == nil else { throw ValidationError("give the idempotency key once: --idempotency-key, or --key without --server-key") }
        guard legacy.utf8.count <= JobSpec.maxKeyLength - 21 else { throw ValidationError("--key is longer than \(JobSpec.maxKeyLength - 21) bytes") }
        return legacy
    }

    /// The input as messages name it.
    private var inputName: String { file == "-" ? "standard input" : file }

    /// Input that cannot be read (a directory, a failing device): says why and ends with
    /// exit 2, like a file `validate()` finds unreadable. Foundation's non-throwing reads
    /// would have trapped. `submitted`: the lines read before a failure, already submitted.
    private func unreadableInput(_ error: any Error, submitted: Int? = nil) -> ExitCode {
        let before = submitted.map { " (lines submitted before it failed: \($0))" } ?? ""
        StandardStreams.error("chungtay: cannot read \(inputName): \(fileErrorText(error))\(before)\n")
        return ExitCode(CLIExit.usage.rawValue)
    }

    func run() throws {
        let connection = try client.client(keyFlagAlone: true)
        let idempotencyKey = try jobKey(connection)
        let input: FileHandle
        do {
            input = file == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        } catch {
            throw unreadableInput(error)
        }
        var ids: [UInt64] = []
        // A read that fails after lines were submitted: their ids or results are printed first.
        var readFailure: ExitCode?
        do {
            if lines {
                let reader = LineReader(input)
                let jobs = reader.enumerated().lazy.map { index, line in
                    JobSpec(kind: kind, payload: line, idempotencyKey: idempotencyKey.map { "\($0)#\(index + 1)" }, priority: priority)
                }
                var submitted = 0
                try connection.submit(jobs) { receipts in
                    submitted += receipts.count
                    if wait { ids += receipts.map(\.jobId) } else { for receipt in receipts { print(receipt.jobId) } }
                }
                readFailure = reader.failure.map { unreadableInput($0, submitted: submitted) }
            } else {
                let payload: [UInt8]
                do {
                    payload = [UInt8](try input.readToEnd() ?? Data())
                } catch {
                    throw unreadableInput(error)
                }
                guard case .accepted(let receipts) = try connection.call(.submit([JobSpec(kind: kind, payload: payload, idempotencyKey: idempotencyKey, priority: priority)])) else {
                    throw ClientError.badReply("expected ACCEPTED")
                }
                if wait { ids = receipts.map(\.jobId) } else { print(receipts[0].jobId) }
            }
            var failed = false
            if wait {
                let slice = ClientProtocol.maxWaitIds
                for chunk in stride(from: 0, to: ids.count, by: slice) {
                    for document in try connection.wait(for: Array(ids[chunk..<min(chunk + slice, ids.count)])) {
                        let job = try JobView(document)
                        try printLine(job.result ?? document)
                        failed = failed || job.state != "completed"
                    }
                }
            }
            if let readFailure { throw readFailure }
            if failed { throw ExitCode(CLIExit.jobFailed.rawValue) }
        } catch let error as ClientError {
            throw report(error)
        }
    }
}

struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "Show a job's state and result as JSON: {id, kind, state, attempts, result, error}.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The job id.") var id: UInt64

    func run() throws {
        do {
            guard case .jobInfo(let document) = try client.client().call(.job(id)) else { throw ClientError.badReply("expected JOB-INFO") }
            try printLine(document)
            let state = try JobView(document).state
            if state == "dead" { throw ExitCode(CLIExit.jobFailed.rawValue) }
        } catch let error as ClientError {
            throw report(error)
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Workers (lost ones too), queues by kind, batches, task outcomes and durations, dead letters.")

    @OptionGroup var client: ClientOptions
    @Flag(help: "Print the status as one JSON object.") var json = false

    func run() throws {
        do {
            guard case .statusReport(let document) = try client.client().call(.status) else { throw ClientError.badReply("expected STATUS-REPORT") }
            if json {
                try printLine(document)
            } else {
                print(StatusText.render(try StatusReport(json: document)))
            }
        } catch let error as ClientError {
            throw report(error)
        }
    }
}

struct DeadLettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters", abstract: "List dead-lettered jobs or requeue them.",
        subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Print dead letters as a JSON array of job documents.")
        @OptionGroup var client: ClientOptions

        func run() throws {
            do {
                guard case .deadLetterList(let document) = try client.client().call(.deadLetters) else { throw ClientError.badReply("expected DEAD-LETTER-LIST") }
                try printLine(document)
            } catch let error as ClientError {
                throw report(error)
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Requeue dead letters (the given ids, or all) with fresh attempts.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Job ids; none means every dead letter.") var ids: [UInt64] = []

        func run() throws {
            do {
                let connection = try client.client()
                // The dispatcher requeues at most `retryLimit` per request, so ask in pieces of that size.
                let requests = ids.isEmpty ? [[]] : stride(from: 0, to: ids.count, by: ClientProtocol.retryLimit).map {
                    Array(ids[$0..<min($0 + ClientProtocol.retryLimit, ids.count)])
                }
                var total: UInt64 = 0
                for request in requests {
                    var count: UInt64
                    repeat {
                        guard case .retried(let requeued) = try connection.call(.retryDeadLetters(request)) else {
                            throw ClientError.badReply("expected RETRIED")
                        }
                        count = requeued
                        total += count
                    } while request.isEmpty && count == UInt64(ClientProtocol.retryLimit)
                }
                print("requeued \(total)")
            } catch let error as ClientError {
                throw report(error)
            }
        }
    }
}

/// The two fields of a job document the CLI acts on; `result` is kept byte for byte as
/// the store holds it (the dispatcher puts it last, see `JobDocument`).
struct JobView {
    var state: String
    var result: [UInt8]?

    /// Only the members before `result` are parsed: the result is a worker's document,
    /// which may nest deeper than the reader allows (the dispatcher checks it with the
    /// strict syntax check, 512 levels) and is printed as it is.
    init(_ document: [UInt8]) throws {
        let marker = Array(#","result":"#.utf8)
        guard let resultRange = document.firstRange(of: marker), document.last == UInt8(ascii: "}"),
              case .object(let head)? = try? JSONValue(parsing: Array(document[..<resultRange.lowerBound]) + [UInt8(ascii: "}")])
        else {
            throw ClientError.badReply("job document is not a JSON object ending in its result")
        }
        state = if case .string(let state)? = head["state"] { state } else { "unknown" }
        let raw = Array(document[resultRange.upperBound..<(document.count - 1)])
        result = raw == Array("null".utf8) ? nil : raw
    }
}
