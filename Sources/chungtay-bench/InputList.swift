import Foundation

/// The input of a reliability run: `households.csv` and `loans.csv` as
/// `chungtay demo-data` writes them into a directory named after its size and seed.
struct InputList {
    let households: URL
    let loans: URL
    /// The directory's name, which names the undisturbed run kept for it.
    let label: String

    init(directory: URL) {
        households = directory.appendingPathComponent("households.csv")
        loans = directory.appendingPathComponent("loans.csv")
        label = directory.lastPathComponent
    }

    func settings(binary: String, data: URL, logs: URL) -> BatchCluster.Settings {
        BatchCluster.Settings(binary: URL(fileURLWithPath: binary), dataDirectory: data, logs: logs, households: households, loans: loans)
    }

    /// The undisturbed run of this input, made first if it is not kept under `work` yet.
    func reference(work: URL, binary: String) throws -> (ReferenceRun, URL) {
        try ReferenceRun.load(directory: work.appendingPathComponent("reference-" + label)) { data, logs in
            settings(binary: binary, data: data, logs: logs)
        }
    }
}
