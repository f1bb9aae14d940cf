#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CXlsxWriter
import ChungTayCoding

/// One workbook written with libxlsxwriter in its constant-memory mode: each row goes to a
/// temporary file once the next row is started, so a sheet of a million rows takes no more
/// memory than one row; the price is that rows must be written in order, top to bottom,
/// and ranges cannot be merged (headings are centred across columns instead).
///
/// The file is created here, new and 0600 (`O_EXCL`, as every export file), before
/// libxlsxwriter opens it by name to write the ZIP: the staging directory is the export's
/// own (0700), so nobody can swap the path in between. The temporary files go to
/// `temporaryDirectory` (the export's spill directory) rather than `/tmp`, which may be a
/// RAM disk and is shared; libxlsxwriter unlinks each as soon as it is created.
final class XLSXWorkbook {
    let path: String
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private(set) var styles: WorkbookStyles

    /// `created`: the workbook's creation date property (midnight UTC); libxlsxwriter would
    /// take the current time, and then the same batch would not export to the same bytes.
    init(path: String, temporaryDirectory: String, created: CivilDate) throws(BatchExportError) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        let modeSet = fchmod(descriptor, 0o600) == 0
        let code = errno
        closeDescriptor(descriptor)
        guard modeSet else { throw .io(operation: "fchmod", path: path, errno: code) }

        let directory = strdup(temporaryDirectory)
        defer { free(directory) }
        var options = lxw_workbook_options(constant_memory: 1, tmpdir: directory, use_zip64: 0)
        guard let workbook = workbook_new_opt(path, &options) else {
            throw .workbook(path: path, message: "libxlsxwriter could not start the workbook (temporary files in \(temporaryDirectory))")
        }
        self.workbook = workbook
        styles = WorkbookStyles(workbook)
        var properties = lxw_doc_properties()
        properties.created = time_t(created.dayNumber) * 86_400
        try check(workbook_set_properties(workbook, &properties), "setting its properties")
    }

    deinit {
        // A workbook abandoned on an error: closing frees it and its temporary files (the
        // half-written file is in the staging directory, which the failed export removes).
        if let workbook { _ = workbook_close(workbook) }
    }

    /// Adds a sheet; `name` must be a valid sheet name (at most 31 characters, none of `[]:*?/\`).
    func addSheet(_ name: String) throws(BatchExportError) -> XLSXSheet {
        guard let workbook, let sheet = workbook_add_worksheet(workbook, name) else {
            throw .workbook(path: path, message: "libxlsxwriter could not add the sheet \"\(name)\"")
        }
        return XLSXSheet(sheet, name: name, workbook: self)
    }

    /// Writes the ZIP and fsyncs it (an export is durable before it replaces an earlier one).
    func close() throws(BatchExportError) {
        guard let workbook else { return }
        self.workbook = nil
        try check(workbook_close(workbook), "writing the file")
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { closeDescriptor(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    /// Turns a libxlsxwriter error into the export's, naming the file and what was done.
    func check(_ error: lxw_error, _ doing: @autoclosure () -> String) throws(BatchExportError) {
        guard error != LXW_NO_ERROR else { return }
        throw .workbook(path: path, message: doing() + ": " + String(cString: lxw_strerror(error)))
    }

    /// Runs `body` with the C locale's numbers on this thread. libxlsxwriter writes numbers
    /// with `printf("%.16G")`, which follows `LC_NUMERIC`: under a locale with a decimal
    /// comma (vi_VN) a number cell would read `40,8`, which is not a number in a workbook.
    static func withCNumbers<Result>(_ body: () throws -> Result) throws -> Result {
        guard let locale = newlocale(LC_NUMERIC_MASK, "C", nil) else { return try body() }
        let previous = uselocale(locale)
        defer {
            uselocale(previous)
            freelocale(locale)
        }
        return try body()
    }
}
