import ChungTayCoding
public import Foundation

/// All rule data in force: the poverty standards, the programme table, the review
/// conventions, the commune reorganisation, flag and notification texts.
///
/// Loaded once at start-up and then shared read-only; every value a rule uses comes
/// from these files, so an office changes a threshold by swapping a file. A file that
/// is missing or malformed fails the load with the file and the field to fix.
public struct RuleBook: Sendable {
    /// One shared reference, so passing the rules to every review costs a single retain.
    private let storage: Storage

    private final class Storage: Sendable {
        let standards: [PovertyStandard]
        let programmes: ProgrammeTable
        let reviewPolicy: ReviewPolicy
        let communes: CommuneDirectory
        let flags: FlagCatalog
        let notificationRules: NotificationRules
        let notificationTemplates: NotificationTemplates
        /// Each file as read, in file-name order, for `describe`.
        let documents: [(file: String, value: JSONValue)]

        init(
            standards: [PovertyStandard], programmes: ProgrammeTable, reviewPolicy: ReviewPolicy,
            communes: CommuneDirectory, flags: FlagCatalog, notificationRules: NotificationRules,
            notificationTemplates: NotificationTemplates, documents: [(file: String, value: JSONValue)]
        ) {
            self.standards = standards
            self.programmes = programmes
            self.reviewPolicy = reviewPolicy
            self.communes = communes
            self.flags = flags
            self.notificationRules = notificationRules
            self.notificationTemplates = notificationTemplates
            self.documents = documents
        }
    }

    // The rule components are final classes, so handing one to a review costs a single
    // retain rather than one per table inside it.
    var standards: [PovertyStandard] { storage.standards }
    var programmes: ProgrammeTable { storage.programmes }
    var reviewPolicy: ReviewPolicy { storage.reviewPolicy }
    var communes: CommuneDirectory { storage.communes }
    var flags: FlagCatalog { storage.flags }
    var notificationRules: NotificationRules { storage.notificationRules }
    var notificationTemplates: NotificationTemplates { storage.notificationTemplates }

    /// The rule files shipped in the module's resources (`RuleData/`), loaded once per process.
    public static func bundled() throws(RuleDataError) -> RuleBook {
        try bundledRules.get()
    }

    /// Where the shipped rule files are, to copy them as a starting point for an office's own.
    public static var bundledDirectory: URL? {
        Bundle.module.url(forResource: "RuleData", withExtension: nil)
    }

    private static let bundledRules: Result<RuleBook, RuleDataError> = {
        guard let directory = bundledDirectory else {
            return .failure(RuleDataError(file: "RuleData", field: "", message: "not found in the module's resources"))
        }
        do throws(RuleDataError) {
            return .success(try RuleBook(directory: directory))
        } catch {
            return .failure(error)
        }
    }()

    /// The names of the rule files besides the poverty standards (`standard-ID.json`).
    package static let sharedFileNames = [
        ProgrammeTable.fileName, ReviewPolicy.fileName, CommuneDirectory.fileName, FlagCatalog.fileName,
        NotificationRules.fileName, NotificationTemplates.fileName,
    ]

    /// Rule files from a directory with the shipped file names (an office swaps a file
    /// without a release). Every `standard-ID.json` in it is a poverty standard.
    public init(directory: URL) throws(RuleDataError) {
        let listing: [String]
        do {
            listing = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw RuleDataError(file: directory.path, field: "", message: "cannot list the rule directory: \(error)")
        }
        let standardFiles = listing.filter(Self.isStandardFile)
        guard !standardFiles.isEmpty else {
            throw RuleDataError(file: "\(PovertyStandard.fileNamePrefix)*.json", field: "", message: "no poverty standard file in \(directory.path)")
        }
        var files: [(name: String, bytes: [UInt8])] = []
        for file in (standardFiles + Self.sharedFileNames).sorted() {
            do {
                files.append((file, Array(try Data(contentsOf: directory.appendingPathComponent(file)))))
            } catch {
                throw RuleDataError(file: file, field: "", message: "cannot read the file: \(error.localizedDescription)")
            }
        }
        try self.init(files: files)
    }

    /// Rule files as read: the shared files by their names and every `standard-ID.json`.
    /// The bytes are untrusted (an office's own files), so this is what the rule-data
    /// fuzz target feeds.
    package init(files: [(name: String, bytes: [UInt8])]) throws(RuleDataError) {
        let standardFiles = files.map(\.name).filter(Self.isStandardFile).sorted()
        guard !standardFiles.isEmpty else {
            throw RuleDataError(file: "\(PovertyStandard.fileNamePrefix)*.json", field: "", message: "no poverty standard file")
        }
        var documents: [(file: String, value: JSONValue)] = []
        for file in (standardFiles + Self.sharedFileNames).sorted() {
            guard let bytes = files.first(where: { $0.name == file })?.bytes else {
                throw RuleDataError(file: file, field: "", message: "cannot read the file: missing")
            }
            documents.append((file, try Self.parse(file, bytes)))
        }
        func root(_ file: String) -> RuleFileNode {
            RuleFileNode(file: file, path: "", value: documents.first { $0.file == file }!.value)
        }
        var standards: [PovertyStandard] = []
        for file in standardFiles {
            standards.append(try PovertyStandard(root(file)))
        }
        standards.sort { $0.appliesFrom < $1.appliesFrom }
        for (earlier, later) in zip(standards, standards.dropFirst()) where later.appliesFrom <= earlier.appliesTo {
            throw RuleDataError(
                file: PovertyStandard.fileNamePrefix + later.id + ".json", field: "appliesFrom",
                message: "overlaps standard \(earlier.id), which applies until \(earlier.appliesTo)"
            )
        }
        let flags = try FlagCatalog(root(FlagCatalog.fileName))
        storage = Storage(
            standards: standards,
            programmes: try ProgrammeTable(root(ProgrammeTable.fileName)),
            reviewPolicy: try ReviewPolicy(root(ReviewPolicy.fileName)),
            communes: try CommuneDirectory(root(CommuneDirectory.fileName), flags: flags),
            flags: flags,
            notificationRules: try NotificationRules(root(NotificationRules.fileName)),
            notificationTemplates: try NotificationTemplates(root(NotificationTemplates.fileName), flags: flags),
            documents: documents
        )
    }

    private static func isStandardFile(_ name: String) -> Bool {
        name.hasPrefix(PovertyStandard.fileNamePrefix) && name.hasSuffix(".json")
    }

    private static func parse(_ file: String, _ bytes: [UInt8]) throws(RuleDataError) -> JSONValue {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONReader.parse(bytes)
        } catch {
            throw RuleDataError(file: file, field: "", message: "not valid JSON at byte \(error.offset): \(error.message)")
        }
        guard case .object = value else { throw RuleDataError(file: file, field: "", message: "expected a JSON object") }
        // Every file says which edition it is and where its numbers come from; no rule
        // reads either, `describe` shows both.
        let root = RuleFileNode(file: file, path: "", value: value)
        _ = try root.member("version").string()
        _ = try root.member("sources").members()
        return value
    }

    /// Identifiers of the poverty standards, oldest first.
    public var standardIds: [String] { standards.map(\.id) }

    /// The standard whose range covers the date, or `no_standard`.
    func standard(covering date: CivilDate) throws(TaskRejection) -> PovertyStandard {
        guard let standard = standards.first(where: { $0.covers(date) }) else { throw .noStandard(covering: date) }
        return standard
    }

    /// A standard named by a caller, or `standard_unknown`.
    func standard(named id: String) throws(TaskRejection) -> PovertyStandard {
        guard let standard = standards.first(where: { $0.id == id }) else {
            throw .standardUnknown(id, known: standardIds)
        }
        return standard
    }

    /// The standard a what-if review compares with: the next one in time, or the
    /// previous one for the latest standard.
    func counterpart(of standard: PovertyStandard) -> PovertyStandard? {
        guard let position = standards.firstIndex(where: { $0.id == standard.id }) else { return nil }
        if position + 1 < standards.count { return standards[position + 1] }
        return position > 0 ? standards[position - 1] : nil
    }

    /// The rule data in force as one pretty-printed JSON document, keyed by file name
    /// (for `chungtay rules show [--standard ID]`). With a standard, the other
    /// standards' files are left out; nil shows everything.
    public func describe(standard: String?) throws(TaskRejection) -> String {
        var shown = storage.documents
        if let standard {
            let kept = PovertyStandard.fileNamePrefix + (try self.standard(named: standard)).id + ".json"
            shown.removeAll { $0.file.hasPrefix(PovertyStandard.fileNamePrefix) && $0.file != kept }
        }
        return JSONPrettyPrinter.print(
            .object(JSONObject(shown.map { JSONObject.Member(key: $0.file, value: $0.value) }))
        )
    }
}
