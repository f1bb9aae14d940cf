#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayBatchOutput
import Foundation
import Synchronization

/// Turns the printable HTML of `notifications print` into PDF with headless Chromium
/// (Debian's `chromium`, which scripts/install-system-packages installs): its print
/// engine honours the forms' print CSS (`@page` size and margins, repeated table headers,
/// page breaks), which simpler converters ignore. One browser run per document (about
/// 2 s each, mostly the browser starting), a few at a time, each with a profile
/// directory of its own (a browser locks its profile) removed afterwards; a run that
/// hangs is killed after `timeout`. The PDF holds the same personal data as the HTML,
/// so the browsers run with umask 077 and each PDF is set to 0600.
final class PDFPrinter: Sendable {
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
    /// Browsers at once: each takes a core while it starts and lays out.
    private let parallel = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))

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

    /// Makes every document's PDF; returns how many were made before the first failure
    /// (the documents after it are not started).
    func print(_ documents: [NotificationPrint.Document]) -> (printed: Int, failure: Failure?) {
        struct Progress {
            var next = 0
            var printed = 0
            var failure: Failure?
        }
        let progress = Mutex(Progress())
        let previous = umask(0o077)
        defer { umask(previous) }
        DispatchQueue.concurrentPerform(iterations: min(parallel, documents.count)) { worker in
            let profile = self.profile.appendingPathComponent(String(worker))
            while true {
                let index = progress.withLock { state -> Int? in
                    guard state.failure == nil, state.next < documents.count else { return nil }
                    state.next += 1
                    return state.next - 1
                }
                guard let index else { return }
                do {
                    try print(documents[index].html, to: documents[index].pdf, profile: profile)
                    progress.withLock { $0.printed += 1 }
                } catch {
                    let failure = error as? Failure
                        ?? .failed(document: documents[index].html.lastPathComponent, status: -1, output: "\(error)")
                    progress.withLock { if $0.failure == nil { $0.failure = failure } }
                }
            }
        }
        return progress.withLock { ($0.printed, $0.failure) }
    }

    private func print(_ html: URL, to pdf: URL, profile: URL) throws {
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let log = profile.appendingPathComponent("chromium.log")
        // A log that could not be made is reported by the open below.
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
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
        // On disk before the print's recipients are recorded as delivered (Chromium does not sync).
        do {
            let file = try FileHandle(forReadingFrom: pdf)
            defer { try? file.close() }
            try file.synchronize()
        } catch {
            throw Failure.failed(document: html.lastPathComponent, status: 0, output: "fsync \(pdf.path): \(error)")
        }
    }
}
