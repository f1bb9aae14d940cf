import ChungTayCoding

/// Renders records of one kind as JSON Lines and as CSV rows, appending UTF-8 bytes to a
/// buffer.
///
/// Keys, header and column choice are prepared once per file; per record the encoder
/// only copies bytes, which is what keeps a million-household run quick.
struct RecordEncoder<Column: RecordColumn> {
    private let jsonKeys: [[UInt8]]
    private let csvColumns: [Column]
    let csvHeader: [UInt8]

    init() {
        jsonKeys = Column.allCases.map { Array("\"\($0.name)\":".utf8) }
        csvColumns = Column.allCases.filter(\.inCSV)
        csvHeader = Array((csvColumns.map(\.name).joined(separator: ",") + "\r\n").utf8)
    }

    func appendJSONLine(_ record: SampleRecord<Column>, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        var first = true
        for (position, value) in record.values.enumerated() {
            guard let value else { continue }
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            buffer.append(contentsOf: jsonKeys[position])
            Self.appendJSON(value, to: &buffer)
        }
        buffer.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    /// RFC 4180: CRLF line ends, a cell quoted when it holds a comma, quote or line
    /// break, quotes doubled; an absent field is an empty cell.
    func appendCSVRow(_ record: SampleRecord<Column>, to buffer: inout [UInt8]) {
        for (index, column) in csvColumns.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            if case .booleanSpelling(column.rawValue, let spelling) = record.csvDamage {
                CSVCell.append(spelling, to: &buffer)
            } else if let value = record[column] {
                CSVCell.append(Self.csvText(value), to: &buffer)
            }
        }
        if case .extraCell = record.csvDamage { buffer.append(contentsOf: Array(",x".utf8)) }
        buffer.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
    }

    private static func csvText(_ value: SampleValue) -> String {
        switch value {
        case .text(let text), .decimal(let text): text
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .adjustments: ""
        }
    }

    private static func appendJSON(_ value: SampleValue, to buffer: inout [UInt8]) {
        switch value {
        case .text(let text): JSONWriter.appendQuoted(text, to: &buffer)
        case .decimal(let text): buffer.append(contentsOf: text.utf8)
        case .integer(let number): buffer.append(contentsOf: String(number).utf8)
        case .boolean(let flag): buffer.append(contentsOf: (flag ? "true" : "false").utf8)
        case .adjustments(let adjustments):
            buffer.append(UInt8(ascii: "["))
            for (index, adjustment) in adjustments.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.append(contentsOf: "{\"dueOn\":\"\(adjustment.dueOn.description)\",\"newDueOn\":\"\(adjustment.newDueOn.description)\"}".utf8)
            }
            buffer.append(UInt8(ascii: "]"))
        }
    }
}
