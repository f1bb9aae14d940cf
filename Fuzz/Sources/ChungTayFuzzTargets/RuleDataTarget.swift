import ChungTayRules
import Foundation

/// `rule-data`: an office's rule files, loaded as `RuleBook` loads a rule directory. The
/// first input byte chooses which shipped file (in file-name order) the rest of the input
/// replaces; the other files are the shipped ones.
///
/// Properties: the files load or are refused with a `RuleDataError`; rules that load
/// describe themselves and run the `stage-payload` seeds (every batch stage and single
/// task) without trapping and with well-formed output, since every number a rule uses
/// comes from these files.
enum RuleDataTarget {
    static let target = FuzzTarget(name: "rule-data", run: run, seeds: seeds)

    /// The shipped files, in file-name order.
    static let shipped: [(name: String, bytes: [UInt8])] = {
        guard let directory = RuleBook.bundledDirectory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return names.sorted().compactMap { name in
            (try? Data(contentsOf: directory.appendingPathComponent(name))).map { (name, Array($0)) }
        }
    }()

    /// The `stage-payload` seeds as (selector, payload).
    static let payloads: [(UInt8, [UInt8])] = StagePayloadTarget.seeds().compactMap { seed in
        seed.bytes.first.map { ($0, Array(seed.bytes.dropFirst())) }
    }

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let selector = input.first, !shipped.isEmpty else { return }
        var files = shipped
        files[Int(selector) % files.count].bytes = Array(input.dropFirst())
        guard let rules = try? RuleBook(files: files) else { return }
        _ = try? rules.describe(standard: nil)
        for (selector, payload) in payloads {
            try StagePayloadTarget.run(selector: selector, payload: payload, rules: rules)
        }
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        for (index, file) in shipped.enumerated() {
            seeds.add(file.name, [UInt8(index)] + file.bytes)
        }
        return seeds.seeds
    }
}
