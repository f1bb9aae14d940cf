import ChungTayClient
import ChungTayWire
import Foundation

/// The undisturbed run a disturbed one is compared with: the same input and batch name,
/// nothing killed. Its data directory is kept (per input) under the work directory, so
/// later runs only read it.
struct ReferenceRun: Codable {
    var batchId: String
    var households: Int
    var wallSeconds: Double
    /// Chunks accepted and jobs completed by the end: the whole batch's work, which the
    /// chaos schedule's progress points are fractions of.
    var chunks: Int
    var jobs: Int

    static let recordName = "reference.json"

    var workUnits: Int { chunks + jobs }

    /// The reference run in `directory` (`data/`, `logs/`, `reference.json`), made first if
    /// it is not there or did not finish.
    static func load(directory: URL, settings: (URL, URL) -> BatchCluster.Settings) throws -> (ReferenceRun, URL) {
        let data = directory.appendingPathComponent("data")
        let record = directory.appendingPathComponent(recordName)
        if let bytes = try? Data(contentsOf: record), let run = try? JSONDecoder().decode(ReferenceRun.self, from: bytes) {
            return (run, data)
        }
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        report("reference: an undisturbed run (kept in \(directory.path))…")
        let cluster = try BatchCluster(settings(data, directory.appendingPathComponent("logs")))
        defer { cluster.stopAll() }
        let started = ContinuousClock.now
        try cluster.startAll()
        try cluster.waitForClient()
        let wall = (ContinuousClock.now - started).seconds
        guard let status = cluster.batchStatus(), status.isComplete, status.jobs.dead == 0 else {
            throw ReliabilityError("the reference run did not complete cleanly: \(String(describing: cluster.batchStatus()))")
        }
        cluster.stopAll()
        let run = ReferenceRun(batchId: status.id, households: status.households, wallSeconds: wall,
                               chunks: status.chunks.householdsAccepted + status.chunks.loansAccepted, jobs: status.jobs.completed)
        try JSONEncoder().encode(run).write(to: record)
        report("reference: \(status.id) complete in \(String(format: "%.1f", wall)) s")
        return (run, data)
    }
}
