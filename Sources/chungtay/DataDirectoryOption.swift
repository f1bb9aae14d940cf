import ArgumentParser
import ChungTayStore
import Foundation

/// `--data-dir D` of the commands that read a dispatcher's data directory directly (safe
/// beside a running dispatcher: the journal is opened read-only), through the settings
/// (`data.dir`, `CHUNGTAY_DATA_DIR`, the config file) like every other setting.
struct DataDirectoryOption: ParsableArguments {
    @Option(help: "The dispatcher's data directory (CHUNGTAY_DATA_DIR).") var dataDir: String?
    @OptionGroup var settings: SettingsOptions

    /// The directory, checked to hold a journal.
    func directory() throws -> DataDirectory {
        let path = try path()
        let directory = DataDirectory(root: URL(fileURLWithPath: path))
        guard FileManager.default.fileExists(atPath: directory.journalPath) else {
            throw ValidationError("\(path) holds no journal.sqlite: not a dispatcher's data directory")
        }
        return directory
    }

    /// The directory's path as the settings give it, whatever it holds (`data restore` makes it).
    func path() throws -> String {
        let setting = try SettingsReader.resolve(settings, flags: [.init("data.dir", "--data-dir", dataDir)]) { try await $0.string("data.dir") }
        guard let path = setting else { throw ValidationError("give the dispatcher's data directory with --data-dir DIR") }
        return path
    }

    /// The id of the batch named by its id or its name.
    static func batchId(_ idOrName: String, in directory: DataDirectory) throws -> String {
        let batches = try JobJournal(readingOnly: directory.journalPath).batches()
        guard let batch = batches.first(where: { $0.id == idOrName }) ?? batches.first(where: { $0.name == idOrName }) else {
            throw ValidationError("no batch \(idOrName) in \(directory.root.path)")
        }
        return batch.id
    }
}
