import ChungTayRuntime
import ChungTayWire

/// One frame of `chungtay top`: the status report as sections (workers, queues per kind,
/// dead letters, batches with a progress bar), every line cut to the terminal's width.
enum TopScreen {
    static func lines(_ status: StatusReport, endpoint: String, width: Int) -> [String] {
        let width = max(width, 40)
        let live = status.workers.filter { $0.state != .lost }.count
        var lines: [String] = []
        lines.append("chungtay top  \(endpoint)  up \(StatusText.duration(status.uptimeSeconds))"
            + (status.draining ? "  DRAINING" : "") + "  in flight \(status.leasesInFlight)  (q quits)")
        lines.append("")
        lines.append("WORKERS  \(live) live, \(status.workers.count - live) lost")
        lines.append(row([("NAME", 16), ("HOST", 14), ("KINDS", 22), ("STATE", 9), ("HEARTBEAT", 10), ("IN FLIGHT", 10),
                          ("DONE", 9), ("FAILED", 7), ("TASKS/S", 8)]))
        for worker in status.workers {
            lines.append(row([
                (worker.name, 16), (worker.host ?? "-", 14), (worker.kinds.joined(separator: ","), 22), (worker.state.rawValue, 9),
                (StatusText.number(worker.lastHeartbeatSecondsAgo) + "s ago", 10), ("\(worker.inFlight)/\(worker.credit)", 10),
                ("\(worker.done)", 9), ("\(worker.failed)", 7), (StatusText.number(worker.tasksPerSecond), 8),
            ]))
        }
        lines.append("")
        lines.append("QUEUES")
        lines.append(row([("KIND", 22), ("DEPTH", 9), ("OLDEST", 9), ("RETRIES", 9), ("RUNNING", 9), ("DONE", 10), ("DEAD", 7)]))
        for (kind, queue) in status.queues.sorted(by: { $0.key < $1.key }) {
            lines.append(row([
                (kind, 22), ("\(queue.queued)", 9), (StatusText.duration(queue.oldestWaitingSeconds), 9), ("\(queue.retriesWaiting)", 9),
                ("\(queue.running)", 9), ("\(queue.completed)", 10), ("\(queue.dead)", 7),
            ]))
        }
        lines.append("")
        let deadByKind = status.queues.filter { $0.value.dead > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.dead)" }
        lines.append("DEAD LETTERS  \(status.deadLetters)" + (deadByKind.isEmpty ? "" : "  (" + deadByKind.joined(separator: ", ") + ")"))
        lines.append("")
        lines.append("BATCHES")
        // The bar takes what the other columns, its brackets and the 7 spaces between cells leave.
        let bar = max(10, width - (14 + 12 + 10 + 6 + 16 + 9 + 9) - 2 - 7)
        for batch in status.batches {
            let finished = batch.done + batch.failed
            lines.append(row([
                (batch.id, 14), (batch.name, 12), (batch.state, 10), (progressBar(finished, of: batch.total, width: bar), bar + 2),
                (percent(finished, of: batch.total), 6), ("\(finished)/\(batch.total)", 16), (StatusText.number(batch.ratePerSecond) + "/s", 9),
                ("ETA " + (batch.etaSeconds.map(StatusText.duration) ?? "-"), 9),
            ]))
        }
        if status.batches.isEmpty { lines.append("  none") }
        return lines.map { cut($0, to: width) }
    }

    /// `[#####.....]`, `width` characters inside the brackets.
    static func progressBar(_ done: Int, of total: Int, width: Int) -> String {
        let filled = total > 0 ? min(width, done * width / total) : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    private static func percent(_ done: Int, of total: Int) -> String {
        total > 0 ? "\(min(100, done * 100 / total))%" : "-"
    }

    /// Cells padded (or cut) to their widths, a space between.
    private static func row(_ cells: [(String, Int)]) -> String {
        cells.map { text, width in
            let cell = cut(text, to: width)
            return cell + String(repeating: " ", count: width - cell.count)
        }.joined(separator: " ")
    }

    /// Also makes the text printable: worker names and hosts come from the wire.
    private static func cut(_ text: String, to width: Int) -> String {
        let text = TerminalText.printable(text)
        return text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }
}
