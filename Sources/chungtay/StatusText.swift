import Foundation

/// The human rendering of `status`: one line per worker and per kind.
enum StatusText {
    static func render(_ document: [UInt8]) throws -> String {
        guard let status = try JSONSerialization.jsonObject(with: Data(document)) as? [String: Any] else { return "" }
        var lines: [String] = []
        let draining = (status["draining"] as? Bool) == true ? " (draining)" : ""
        lines.append("dispatcher \(status["clientEndpoint"] ?? "") / \(status["workerEndpoint"] ?? "")\(draining)")
        let workers = status["workers"] as? [[String: Any]] ?? []
        lines.append("workers: \(workers.count)")
        for worker in workers {
            lines.append("  \(worker["name"] ?? "")  \(worker["protocol"] ?? "")  kinds=\((worker["kinds"] as? [String])?.joined(separator: ",") ?? "")  in-flight=\(worker["inFlight"] ?? 0)/\(worker["credit"] ?? 0)")
        }
        lines.append("queues:")
        let queues = status["queues"] as? [String: [String: Any]] ?? [:]
        for kind in queues.keys.sorted() {
            let queue = queues[kind]!
            lines.append("  \(kind)  queued=\(queue["queued"] ?? 0) delayed=\(queue["delayed"] ?? 0) running=\(queue["running"] ?? 0) completed=\(queue["completed"] ?? 0) dead=\(queue["dead"] ?? 0)")
        }
        lines.append("dead letters: \(status["deadLetters"] ?? 0)")
        return lines.joined(separator: "\n")
    }
}
