import Foundation
import Testing

/// Exported workbooks read back by a real spreadsheet library: openpyxl (python3-openpyxl),
/// run as a process, hands every sheet over as JSON: its frozen cell, column widths, print
/// title rows, and each cell's type, value and number format.
enum WorkbookReader {
    /// A cell as openpyxl gives it: `type` is the Python type of the value (`str`, `int`,
    /// `float`, `datetime`, `NoneType`); a datetime's value is its ISO text.
    struct Cell: Equatable, CustomStringConvertible {
        var type: String
        var value: String?
        var format: String
        var bold: Bool

        var description: String { "\(type):\(value ?? "None")[\(format)]" }
    }

    struct Sheet {
        var name: String
        var frozen: String?
        var widths: [String: Double]
        var printTitles: String?
        var rows: [[Cell]]
        /// Each cell's left and right border styles, `thin/None` (openpyxl's names).
        var edges: [[String]]
    }

    static let python = "/usr/bin/python3"

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: python)
            && (try? run(["-c", "import openpyxl"]).status) == 0
    }

    private static let script = #"""
        import datetime, json, sys
        import openpyxl
        book = openpyxl.load_workbook(sys.argv[1])
        sheets = []
        for ws in book.worksheets:
            rows = []
            edges = []
            for row in ws.iter_rows():
                cells = []
                edges.append([f"{cell.border.left.style}/{cell.border.right.style}" for cell in row])
                for cell in row:
                    value = cell.value
                    kind = type(value).__name__
                    if isinstance(value, datetime.datetime):
                        value = value.isoformat()
                    elif value is not None:
                        value = str(value)
                    cells.append({"type": kind, "value": value, "format": cell.number_format, "bold": bool(cell.font.b)})
                rows.append(cells)
            widths = {key: dim.width for key, dim in ws.column_dimensions.items() if dim.width}
            sheets.append({"name": ws.title, "frozen": ws.freeze_panes, "widths": widths,
                           "printTitles": ws.print_title_rows, "rows": rows, "edges": edges})
        json.dump(sheets, sys.stdout)
        """#

    /// The sheets of the workbook at `path`, in workbook order.
    static func read(_ path: String) throws -> [Sheet] {
        let result = try run(["-c", script, path])
        guard result.status == 0 else {
            Issue.record("openpyxl could not read \(path): \(result.error)")
            return []
        }
        let json = try JSONSerialization.jsonObject(with: result.output) as? [[String: Any]] ?? []
        return json.map { sheet in
            let rows = (sheet["rows"] as? [[[String: Any]]] ?? []).map { row in
                row.map { cell in
                    Cell(type: cell["type"] as? String ?? "", value: cell["value"] as? String,
                         format: cell["format"] as? String ?? "", bold: cell["bold"] as? Bool ?? false)
                }
            }
            return Sheet(
                name: sheet["name"] as? String ?? "", frozen: sheet["frozen"] as? String,
                widths: sheet["widths"] as? [String: Double] ?? [:], printTitles: sheet["printTitles"] as? String, rows: rows,
                edges: sheet["edges"] as? [[String]] ?? [])
        }
    }

    /// A cell's value as the CSV writes the field: empty for None, an integer or float in
    /// the CSV's spelling, a datetime's date; text as it is.
    static func csvText(_ cell: Cell) -> String {
        switch cell.type {
        case "NoneType": return ""
        case "datetime": return String((cell.value ?? "").prefix(10))
        default: return cell.value ?? ""
        }
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: Data, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Standard output read to its end first, so a large answer cannot block the reader;
        // what goes to standard error (a traceback) fits in the pipe.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, data, String(decoding: errorData, as: UTF8.self))
    }
}
