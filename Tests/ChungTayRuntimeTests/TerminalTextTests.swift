import ChungTayRuntime
import ChungTayWire
import Testing

@Suite struct TerminalTextTests {
    @Test func aRecordsTextLineCarriesNoControlCharacterFromTheWire() {
        let record = LogRecord(
            time: "2026-12-04T04:00:01.250Z\u{1B}[2J", level: .warning, role: .worker, worker: "A\u{1B}]0;owned\u{07}", host: "h",
            message: "line\r\u{1B}[1Afake\u{9B}31m", kind: "k\u{7F}", fields: ["k\u{1B}": "v\n"])
        for colours in [false, true] {
            let line = StructuredLogHandler.textLine(record, colours: colours)
            let controls = line.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
            // With colours only the handler's own SGR sequences remain, and the final newline.
            let expected = colours ? 4 * 1 + 1 : 1
            #expect(controls.count == expected, "\(line.debugDescription)")
            #expect(line.contains("line\u{FFFD}\u{FFFD}[1Afake\u{FFFD}31m"))
        }
    }

    @Test func printableTextIsLeftAsItIs() {
        let text = "máy-1 tác vụ 42 ✓"
        #expect(TerminalText.printable(text) == text)
    }
}
