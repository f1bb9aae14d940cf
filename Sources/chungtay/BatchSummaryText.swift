import ChungTayBatchOutput
import ChungTayWire

/// The batch summary as an operator reads it at the end of `batch submit --wait`.
enum BatchSummaryText {
    static func render(_ status: BatchStatus) -> String {
        let summary = status.summary.children
        var lines = [
            "batch \(status.id) (\(status.name)) \(status.state) — as of \(status.asOf)",
            "  households \(status.households), reviewed \(status.reviewed); loans \(status.loans), "
                + "assessed \(status.loanStatuses); notifications \(status.notifications)",
        ]
        if case .node(let communes)? = summary["byCommune"] {
            lines.append("  by commune (current status):")
            for (commune, counts) in communes.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(commune): " + pairs(counts))
            }
        }
        for (key, title) in [("byChange", "list changes"), ("loansByStatus", "loans by status"),
                             ("loansByOverdueBucket", "overdue loans by days"), ("notificationsByType", "notifications"),
                             ("flagsByCode", "flags")] {
            if let counts = summary[key] { lines.append("  \(title): " + pairs(counts)) }
        }
        if case .node(let totals)? = summary["totals"] {
            lines.append("  outstanding \(money(totals["outstanding"])) VND, overdue principal \(money(totals["overduePrincipal"])) VND")
        }
        if status.jobs.dead > 0 {
            lines.append("  \(status.jobs.dead) chunk jobs failed for good: see `chungtay dead-letters list`")
        }
        let workers = status.audit.workers.joined(separator: ", ")
        lines.append("  submitted by \(status.audit.submittedBy) at \(status.audit.submittedAt); workers: \(workers)")
        let kinds = [TaskKind.householdReview, .loanStatus, .notifyEmit, .batchSummary].map(\.rawValue).joined(separator: ",")
        lines.append("  documents in \(status.dataDirectory)/store/{\(kinds)}/")
        return lines.joined(separator: "\n")
    }

    /// `name count, …` in name order; a count that is itself a group shows as `[name: count, …]`.
    private static func pairs(_ tree: CounterTree) -> String {
        switch tree {
        case .value(let value): "\(value)"
        case .node(let counts): counts.sorted { $0.key < $1.key }.map { "\($0.key) \(nested($0.value))" }.joined(separator: ", ")
        }
    }

    private static func nested(_ tree: CounterTree) -> String {
        switch tree {
        case .value(let value): "\(value)"
        case .node(let counts): "[" + counts.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(nested($0.value))" }.joined(separator: ", ") + "]"
        }
    }

    private static func money(_ value: CounterTree?) -> String {
        guard case .value(let number)? = value else { return "0" }
        return PrintedTerms.money(Int(number))
    }
}
