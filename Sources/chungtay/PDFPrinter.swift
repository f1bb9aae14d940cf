#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Turns the printable HTML of `notifications print` into PDF with headless Chromium
/// (Debian's `chromium`, which scripts/install-system-packages installs): its print
/// engine honours the forms' print CSS (`@page` size and margins, repeated table headers,
/// page breaks), which simpler converters ignore. One browser run per document, with a
/// profile directory of its own that is removed afterwards; a run that hangs is killed
/// after `timeout`. The PDF holds the same personal data as the HTML, so the browser runs
/// with umask 077 and the PDF is set to 0600.
final class PDFPrinter {
    /// Why no PDF was made; the HTML files are written regardless.
    enum Failure: Error, CustomStringConvertible {
        case chromiumMissing
        case failed(document: String, status: Int32, output: String)
        case timedOut(document: String, seconds: Int)

        var description: String {
            switch self {
            case .chromiumMissing:
                return "no Chromium to make the PDFs (install Debian's chromium, e.g. with scripts/install-system-packages, "
                    + "or print the HTML files from a browser: each is laid out for A4)"
            case .failed(let document, let status, let output):
                return "chromium exited with status \(status) printing \(document): \(output)"
            case .timedOut(let document, let seconds):
                return "chromium did not finish printing \(document) within \(seconds) s"
            }
        }
    }

    static let candidates = ["chromium", "chromium-browser"]
    private let executable: URL
    private let profile: URL
    private let timeout: Int

    init(timeout: Int = 120) throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = Self.candidates.lazy.flatMap { name in path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) } }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        guard let found else { throw Failure.chromiumMissing }
        executable = found
        var template = Array((NSTemporaryDirectory() + "/chungtay-chromium-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure.failed(document: "", status: -1, output: "mkdtemp: \(String(cString: strerror(errno)))") }
        profile = URL(fileURLWithPath: String(cString: made))
        self.timeout = timeout
    }

    func close() {
        try? FileManager.default.removeItem(at: profile)
    }

    func print(_ html: URL, to pdf: URL) throws {
        let log = profile.appendingPathComponent("chromium.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile.path,
            "--no-pdf-header-footer", "--print-to-pdf=" + pdf.path, html.absoluteString,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let previous = umask(0o077)
        defer { umask(previous) }
        try? FileManager.default.removeItem(at: pdf)
        try process.run()
        if finished.wait(timeout: .now() + .seconds(timeout)) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            throw Failure.timedOut(document: html.lastPathComponent, seconds: timeout)
        }
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: pdf.path) else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw Failure.failed(
                document: html.lastPathComponent, status: process.terminationStatus,
                output: output.split(separator: "\n").suffix(3).joined(separator: " | "))
        }
        guard chmod(pdf.path, 0o600) == 0 else {
            throw Failure.failed(document: html.lastPathComponent, status: 0, output: "chmod \(pdf.path): \(String(cString: strerror(errno)))")
        }
    }
}
