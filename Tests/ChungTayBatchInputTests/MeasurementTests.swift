import ChungTayBatchInput
import Foundation
import Testing

/// Times pass 1 and pass 2 over a demo data set, only when asked:
///
///     chungtay demo-data --households 1000000 --seed 1 --out /tmp/demo1m
///     CHUNGTAY_BATCH_INPUT_DATA=/tmp/demo1m CHUNGTAY_BATCH_INPUT_FORMAT=csv \
///         swift test -c release --filter ChungTayBatchInputTests.MeasurementTests
///
/// (`FORMAT` is `csv` or `jsonl`; run under `/usr/bin/time -v` for the peak memory.)
@Suite("Measurements (opt-in)")
struct MeasurementTests {
    static let directory = ProcessInfo.processInfo.environment["CHUNGTAY_BATCH_INPUT_DATA"]
    static let format = ProcessInfo.processInfo.environment["CHUNGTAY_BATCH_INPUT_FORMAT"] ?? "csv"

    @Test("pass 1 and pass 2 over a demo data set", .enabled(if: directory != nil))
    func passes() throws {
        let directory = try #require(Self.directory)
        let households = "\(directory)/households.\(Self.format)"
        let loans = "\(directory)/loans.\(Self.format)"
        let clock = ContinuousClock()

        var readCount = 0
        let read = try clock.measure {
            let reader = try RecordReader(path: households)
            while try reader.next() != nil { readCount += 1 }
        }
        print("read households (records built): \(readCount) in \(read) [\(memory())]")

        var index: ListIndex?
        let pass1 = try clock.measure {
            index = try ListIndex(households: households, loans: loans)
        }
        let built = try #require(index)
        print("pass 1: \(built.householdCount) households, \(built.loanCount) loans (\(built.unjoinedLoanCount) joining none), \(built.inputErrorCount) input errors in \(pass1) [\(memory())]")

        for line in built.inputErrors.prefix(5) { print("  \(line)") }
        let planner = ChunkPlanner(index: built, batch: BatchHeader(id: "bench", asOf: "2025-06-30", whatIf: false))
        var chunks = 0
        var bytes = 0
        var households2 = 0
        var loans2 = 0
        let pass2 = try clock.measure {
            let all = try planner.chunks()
            while let chunk = try all.next() {
                chunks += 1
                bytes += chunk.payload.count
                households2 += chunk.households
                loans2 += chunk.loans
            }
        }
        print("pass 2: \(chunks) chunks, \(households2) households, \(loans2) loans, \(bytes) payload bytes in \(pass2) [\(memory())]")

        let resume = try clock.measure {
            let tail = try planner.chunks(from: planner.householdChunkCount - 1)
            _ = try tail.next()
        }
        print("resume at the last household chunk: \(resume)")
        #expect(households2 == built.householdCount)
        #expect(loans2 == built.loanCount)
    }

    /// VmRSS and VmHWM (peak) of this process.
    func memory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "" }
        return status.split(separator: "\n")
            .filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .joined(separator: ", ")
    }
}
