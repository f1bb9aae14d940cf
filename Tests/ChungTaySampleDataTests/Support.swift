import ChungTayRules
import ChungTaySampleData
import Foundation
import Testing

/// Generated sample files in a fresh temporary directory, and readers for them.
struct GeneratedFiles {
    let directory: URL
    let summary: SampleDataSet.Summary

    init(households: Int, seed: UInt64, badRate: Double = 0) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chungtay-sampledata-\(UUID().uuidString)")
        summary = try SampleDataSet(households: households, seed: seed, badRate: badRate).write(to: directory)
    }

    func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// The JSON Lines file as one dictionary per line.
    func jsonLines(_ name: String) throws -> [[String: Any]] {
        try text(name).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func jsonLineTexts(_ name: String) throws -> [String] {
        try text(name).split(separator: "\n").map(String.init)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The rule book and the two tasks, fed one record each as a worker would be.
enum Rules {
    static let book: RuleBook = {
        do { return try RuleBook.bundled() } catch { fatalError("bundled rules failed to load: \(error)") }
    }()

    static func review(_ householdLine: String) throws -> [String: Any] {
        let payload = "{\"asOf\":\"2026-11-30\",\"household\":\(householdLine)}"
        let result = try HouseholdReviewTask.run(payload: Array(payload.utf8), rules: book)
        return try #require(try JSONSerialization.jsonObject(with: Data(result)) as? [String: Any])
    }

    static func loanStatus(_ loanLine: String) throws -> [String: Any] {
        let payload = "{\"asOf\":\"2026-11-30\",\"loan\":\(loanLine)}"
        let result = try LoanStatusTask.run(payload: Array(payload.utf8), rules: book)
        return try #require(try JSONSerialization.jsonObject(with: Data(result)) as? [String: Any])
    }

    static func flags(_ document: [String: Any]) -> [(code: String, severity: String)] {
        ((document["flags"] as? [[String: Any]]) ?? []).map {
            (($0["code"] as? String) ?? "", ($0["severity"] as? String) ?? "")
        }
    }
}

/// A minimal RFC 4180 reader: quoted cells with doubled quotes, commas and line breaks
/// inside quotes, CRLF or LF row ends.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func nextScalar() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = nextScalar() {
            if quoted {
                if scalar == "\"" {
                    let following = nextScalar()
                    if following == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = following }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": row.append(cell); cell = ""
            case "\r": continue
            case "\n": row.append(cell); rows.append(row); row = []; cell = ""
            default: cell.unicodeScalars.append(scalar)
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}
