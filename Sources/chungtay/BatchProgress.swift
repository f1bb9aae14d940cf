import ChungTayWire
import Foundation

/// Progress of a batch on standard error: a bar redrawn in place on a terminal, plain
/// lines every few seconds otherwise (logs, CI), so a long run is never silent.
struct BatchProgress {
    let isTerminal = isatty(STDERR_FILENO) != 0
    private let started = Date()
    var lastLine = Date.distantPast
    private var firstSeen: (time: Date, reviewed: Int, fraction: Double)?

    mutating func show(_ status: BatchStatus, final: Bool = false) {
        let now = Date()
        let fraction = Self.fractionDone(status)
        if firstSeen == nil { firstSeen = (now, status.reviewed, fraction) }
        var rate = 0.0
        var eta: Double?
        if let first = firstSeen, now.timeIntervalSince(first.time) > 0.5 {
            let elapsed = now.timeIntervalSince(first.time)
            rate = (Double(status.reviewed) - Double(first.reviewed)) / elapsed
            let pace = (fraction - first.fraction) / elapsed
            if pace > 0, status.state != BatchStatus.accepting { eta = (1 - fraction) / pace }
        }
        let counts = "\(status.households) accepted, \(status.reviewed) reviewed, \(status.loanStatuses) loans, "
            + "\(status.notifications) notifications"
        let pace = "\(Self.whole(rate)) households/s" + (eta.map { ", ETA \(Self.duration($0))" } ?? "")
        if isTerminal {
            let width = 28
            let filled = Self.whole(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = "\r\(status.id) \(bar) \(Self.whole(fraction * 100))% \(counts) · \(pace) · \(status.state)\u{1B}[K"
            StandardStreams.error(line + (final ? "\n" : ""))
        } else if final || now.timeIntervalSince(lastLine) >= 5 {
            lastLine = now
            let elapsed = Self.duration(now.timeIntervalSince(started))
            StandardStreams.error("\(status.id) \(status.state) \(Self.whole(fraction * 100))%: \(counts); \(pace); \(elapsed) elapsed\n")
        }
    }

    /// Once sealed, every household chunk is three jobs (review, loans, notifications) and
    /// every loan-only chunk two, so finished jobs measure the whole chain; before that,
    /// reviews against households accepted so far.
    ///
    /// The numbers come from the dispatcher, so any of them may be anything (negative,
    /// near `Int.max`): the arithmetic is in `Double` and the result always in 0...1.
    static func fractionDone(_ status: BatchStatus) -> Double {
        if status.isComplete { return 1 }
        let done: Double
        if let households = status.chunks.households, let loans = status.chunks.loans,
           case let jobs = 3 * Double(households) + 2 * Double(loans), jobs > 0 {
            done = (Double(status.jobs.completed) + Double(status.jobs.dead)) / jobs
        } else {
            done = Double(status.reviewed) / Double(max(status.households, 1))
        }
        return done.isNaN ? 0 : min(1, max(0, done))
    }

    /// A display number as an `Int`, whatever the `Double` (NaN is 0, the rest clamped),
    /// where `Int(_:)` would trap.
    static func whole(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        return Int(min(max(value.rounded(.towardZero), -1e15), 1e15))
    }

    static func duration(_ seconds: Double) -> String {
        let whole = max(0, Self.whole(seconds.rounded()))
        return whole >= 3600 ? "\(whole / 3600)h\(whole % 3600 / 60)m" : whole >= 60 ? "\(whole / 60)m\(whole % 60)s" : "\(whole)s"
    }
}

extension BatchProgress {
    /// Submission progress (chunks accepted durably by the dispatcher).
    mutating func showSubmission(id: String, chunks: Int, of total: Int, final: Bool = false) {
        let line = "\(id): \(chunks)/\(total) chunks accepted"
        if isTerminal {
            StandardStreams.error("\r" + line + "\u{1B}[K" + (final ? "\n" : ""))
        } else if final || Date().timeIntervalSince(lastLine) >= 5 {
            lastLine = Date()
            StandardStreams.error(line + "\n")
        }
    }
}
