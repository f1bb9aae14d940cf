/// An RFC 4180 record scanner over bytes (comma-delimited, or `;`/tab for an office's file): finds one record's cells (as ranges of the
/// buffer) and where the record ends, counting physical lines, without copying.
///
/// Written here rather than taken from yaslab/CSV.swift, which was measured and read
/// for this (see `RecordReader`'s documentation): CSV.swift reports
/// neither line numbers nor byte offsets, stops silently at invalid UTF-8, takes broken
/// quoting without a word, and parses one Unicode scalar at a time through an
/// `AnyIterator`, several times slower than this scanner on the same file.
///
/// Line breaks are LF or CRLF (a CR before the LF that ends a record is dropped; any
/// other CR is data). A line with nothing on it is skipped. Broken quoting is reported
/// and reading goes on: text after a closing quote leaves that cell out and continues
/// with the next cell; a quote inside an unquoted cell is kept as it is; a quoted cell
/// that is never properly closed after running past its line ends the record at that
/// line, and reading resumes on the next physical line.
struct CSVScanner {
    struct Cell {
        /// Buffer indices of the cell's text (inside the quotes for a quoted cell).
        var start: Int
        var end: Int
        /// Quoted and containing doubled quotes to undo.
        var escaped: Bool
        /// False when the cell was left out (broken quoting).
        var present: Bool
    }

    enum Outcome {
        /// The buffer ends inside the record and more of the file follows.
        case needMore
        /// No record left.
        case finished
        /// An empty line; the next record starts at `end`.
        case blank(end: Int)
        /// A record from the given start to `end` (exclusive) spanning `lines` line breaks.
        case record(end: Int, lines: Int)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    /// The current record's cells (valid after `.record`, and after `.needMore` up to
    /// `firstBreak`).
    var cells: [Cell] = []
    /// The first broken-quoting or cell-count problem of the current record.
    var error: InputError?
    /// Buffer index just after the first line break inside a quoted cell, or -1.
    private(set) var firstBreak = -1
    /// How many cells were complete before that line break.
    private(set) var cellsBeforeFirstBreak = 0

    /// The byte between cells: `,` for machine files, `;` or tab for an office's
    /// (`ListPreparation` detects it from the header line).
    let delimiter: UInt8

    init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
        cells.reserveCapacity(64)
    }

    /// Scans the record starting at `start`. `headerCount` is the header's cell count
    /// (nil while reading the header itself); `atEnd` says whether the buffer reaches the
    /// end of the file.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, atEnd: Bool, headerCount: Int?) -> Outcome {
        let count = bytes.count
        // A local, so the loops compare with a register rather than reload the property.
        let delimiter = self.delimiter
        var index = start
        if index >= count { return atEnd ? .finished : .needMore }
        if bytes[index] == Self.lf { return .blank(end: index + 1) }
        if bytes[index] == Self.cr {
            if index + 1 >= count { return atEnd ? .blank(end: count) : .needMore }
            if bytes[index + 1] == Self.lf { return .blank(end: index + 2) }
        }
        cells.removeAll(keepingCapacity: true)
        error = nil
        firstBreak = -1
        cellsBeforeFirstBreak = 0
        var breaks = 0

        while true {
            let column = cells.count + 1
            if index < count && bytes[index] == Self.quote {
                index += 1
                let cellStart = index
                var escaped = false
                // Just after this cell's first line break, and the record's breaks until then.
                var cellBreak = -1
                var cellBreakLines = 0
                while true {
                    while index < count {
                        let byte = bytes[index]
                        if byte == Self.quote { break }
                        if byte == Self.lf {
                            breaks += 1
                            if cellBreak < 0 {
                                cellBreak = index + 1
                                cellBreakLines = breaks
                            }
                            if firstBreak < 0 {
                                firstBreak = index + 1
                                cellsBeforeFirstBreak = cells.count
                            }
                        }
                        index += 1
                    }
                    if index >= count {
                        if !atEnd { return .needMore }
                        if cellBreak >= 0 { return resynchronise(column: column, end: cellBreak, lines: cellBreakLines) }
                        cells.append(Cell(start: cellStart, end: count, escaped: escaped, present: false))
                        note(column, "quoted cell not closed before the end of the file")
                        return .record(end: count, lines: breaks)
                    }
                    if index + 1 >= count && !atEnd { return .needMore }
                    if index + 1 < count && bytes[index + 1] == Self.quote {
                        escaped = true
                        index += 2
                        continue
                    }
                    break
                }
                cells.append(Cell(start: cellStart, end: index, escaped: escaped, present: true))
                index += 1
                if index >= count { return finish(end: count, lines: breaks, headerCount: headerCount) }
                let byte = bytes[index]
                if byte == delimiter {
                    index += 1
                    continue
                }
                if byte == Self.lf { return finish(end: index + 1, lines: breaks + 1, headerCount: headerCount) }
                if byte == Self.cr {
                    if index + 1 >= count {
                        if !atEnd { return .needMore }
                        return finish(end: count, lines: breaks, headerCount: headerCount)
                    }
                    if bytes[index + 1] == Self.lf { return finish(end: index + 2, lines: breaks + 1, headerCount: headerCount) }
                }
                // Text after the closing quote: the quote was not meant as one. When the
                // cell ran past its line, that quote most likely opened a cell that was never
                // closed, and the lines it swallowed are read again as records.
                if cellBreak >= 0 { return resynchronise(column: column, end: cellBreak, lines: cellBreakLines) }
                note(column, "text after the closing quote of a quoted cell")
                cells[cells.count - 1].present = false
                while index < count && bytes[index] != delimiter && bytes[index] != Self.lf { index += 1 }
                if index >= count {
                    if !atEnd { return .needMore }
                    return finish(end: count, lines: breaks, headerCount: headerCount)
                }
                if bytes[index] == delimiter {
                    index += 1
                    continue
                }
                return finish(end: index + 1, lines: breaks + 1, headerCount: headerCount)
            } else {
                let cellStart = index
                while index < count {
                    let byte = bytes[index]
                    if byte == delimiter || byte == Self.lf { break }
                    if byte == Self.quote { note(column, "quote inside an unquoted cell") }
                    index += 1
                }
                if index >= count {
                    if !atEnd { return .needMore }
                    var cellEnd = count
                    if cellEnd > cellStart && bytes[cellEnd - 1] == Self.cr { cellEnd -= 1 }
                    cells.append(Cell(start: cellStart, end: cellEnd, escaped: false, present: true))
                    return finish(end: count, lines: breaks, headerCount: headerCount)
                }
                if bytes[index] == delimiter {
                    cells.append(Cell(start: cellStart, end: index, escaped: false, present: true))
                    index += 1
                    continue
                }
                var cellEnd = index
                if cellEnd > cellStart && bytes[cellEnd - 1] == Self.cr { cellEnd -= 1 }
                cells.append(Cell(start: cellStart, end: cellEnd, escaped: false, present: true))
                return finish(end: index + 1, lines: breaks + 1, headerCount: headerCount)
            }
        }
    }

    /// Ends a record whose quoted cell `column` ran past its line and did not close
    /// properly: the record keeps the cells before it and ends after that cell's first line
    /// break (`end`, after `lines` breaks), where reading resumes.
    private mutating func resynchronise(column: Int, end: Int, lines: Int) -> Outcome {
        cells.removeSubrange((column - 1)...)
        error = InputError(column: column, message: "quoted cell not closed on its line (reading went on at the next line)")
        return .record(end: end, lines: lines)
    }

    /// Ends a record longer than the reader's limit at its first line break inside a
    /// quoted cell (see `firstBreak`), keeping the cells before that cell.
    mutating func cutAtFirstBreak() -> Outcome {
        resynchronise(column: cellsBeforeFirstBreak + 1, end: firstBreak, lines: 1)
    }

    private mutating func note(_ column: Int, _ message: String) {
        if error == nil { error = InputError(column: column, message: message) }
    }

    private mutating func finish(end: Int, lines: Int, headerCount: Int?) -> Outcome {
        if let headerCount, error == nil, cells.count != headerCount {
            error = InputError(
                column: min(cells.count, headerCount) + 1,
                message: "row has \(cells.count) \(cells.count == 1 ? "cell" : "cells"), the header \(headerCount)")
        }
        return .record(end: end, lines: lines)
    }
}
