import Foundation

/// The terminal of an interactive command (`top`) in raw mode: keys arrive one at a time
/// without echo, the screen is the alternate one with the cursor hidden. Restored when the
/// command ends and when SIGINT or SIGTERM ends it, so the shell gets its terminal back.
final class RawTerminal {
    private let saved: termios?
    private var signalSources: [any DispatchSourceSignal] = []
    private var restored = false
    /// Set once standard output failed (standard error said why): nothing more is written.
    /// A signal's restore writes from another thread, hence the lock.
    private var outputFailed = false
    private let outputLock = NSLock()
    private let lock = NSLock()

    /// Raw mode when standard input is a terminal; otherwise only the screen sequences.
    init() {
        var attributes = termios()
        if isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &attributes) == 0 {
            saved = attributes
            attributes.c_lflag &= ~tcflag_t(ICANON | ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &attributes)
        } else {
            saved = nil
        }
        write("\u{1B}[?1049h\u{1B}[?25l")
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                restore()
                exit(128 + signalNumber)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Puts the terminal back as it was; the second call does nothing.
    func restore() {
        lock.lock()
        defer { lock.unlock() }
        guard !restored else { return }
        restored = true
        write("\u{1B}[?25h\u{1B}[?1049l")
        if var saved { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    }

    /// Columns of the terminal, 80 when it cannot tell.
    var width: Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Draws `lines` over the previous frame; false when standard output cannot be written.
    func draw(_ lines: [String]) -> Bool {
        write("\u{1B}[H" + lines.joined(separator: "\u{1B}[K\r\n") + "\u{1B}[K\u{1B}[J")
    }

    /// Waits up to `seconds` for a key; true when it is `q` (or input ended and nothing else will come).
    func waitForQuit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(left * 1000)) > 0 else { continue }
            var byte: UInt8 = 0
            let count = read(STDIN_FILENO, &byte, 1)
            if count == 0 {
                // No more input (not a terminal): refresh on the clock alone.
                Thread.sleep(forTimeInterval: max(0, deadline.timeIntervalSinceNow))
                return false
            }
            if count == 1, byte == UInt8(ascii: "q") || byte == UInt8(ascii: "Q") { return true }
        }
    }

    @discardableResult
    private func write(_ text: String) -> Bool {
        outputLock.lock()
        defer { outputLock.unlock() }
        guard !outputFailed else { return false }
        outputFailed = !StandardStreams.output(text)
        return !outputFailed
    }
}
