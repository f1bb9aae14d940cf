import Foundation

/// The batch summary as an operator reads it at the end of `batch submit --wait`.
enum BatchSummaryText {
    static func render(_ statusDocument: [UInt8]) throws -> String {
        guard let status = try JSONSerialization.jsonObject(with: Data(statusDocument)) as? [String: Any] else { return "" }
        let summary = status["summary"] as? [String: Any] ?? [:]
        var lines = [
            "batch \(status["id"] ?? "") (\(status["name"] ?? "")) \(status["state"] ?? "") — as of \(status["asOf"] ?? "")",
            "  households \(status["households"] ?? 0), reviewed \(status["reviewed"] ?? 0); loans \(status["loans"] ?? 0), "
                + "assessed \(status["loanStatuses"] ?? 0); notifications \(status["notifications"] ?? 0)",
        ]
        if let communes = summary["byCommune"] as? [String: Any] {
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
        if let totals = summary["totals"] as? [String: Any] {
            lines.append("  outstanding \(money(totals["outstanding"])) VND, overdue principal \(money(totals["overduePrincipal"])) VND")
        }
        if let jobs = status["jobs"] as? [String: Any], let dead = jobs["dead"] as? Int, dead > 0 {
            lines.append("  \(dead) chunk jobs failed for good: see `chungtay dead-letters list`")
        }
        if let audit = status["audit"] as? [String: Any] {
            let workers = (audit["workers"] as? [String] ?? []).joined(separator: ", ")
            lines.append("  submitted by \(audit["submittedBy"] ?? "") at \(audit["submittedAt"] ?? ""); workers: \(workers)")
        }
        if let data = status["dataDirectory"] as? String {
            lines.append("  documents in \(data)/store/{household.review,loan.status,notify.emit,batch.summary}/")
        }
        return lines.joined(separator: "\n")
    }

    private static func pairs(_ value: Any) -> String {
        guard let counts = value as? [String: Any] else { return "\(value)" }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    private static func money(_ value: Any?) -> String {
        guard let number = value as? Int else { return "0" }
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = "."
        return formatter.string(from: NSNumber(value: number)) ?? String(number)
    }
}
