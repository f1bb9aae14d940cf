import CXlsxWriter

/// The formats of one workbook (libxlsxwriter's formats belong to their workbook): list
/// cells by column kind, plain for the commune and notification lists and bordered for
/// the group list, which is printed as a form; titles; the group list's heading lines.
struct WorkbookStyles {
    typealias Format = UnsafeMutablePointer<lxw_format>

    /// Money: thousands separators, which Excel shows in the reader's own way (`4.965.000` in Vietnamese).
    static let moneyFormat = "#,##0"
    static let dateFormat = "dd/mm/yyyy"

    /// The title row: bold, wrapped, centred, shaded, bordered.
    let title: Format
    private let plain: [ExportColumn.Kind: Format]
    private let bordered: [ExportColumn.Kind: Format]
    /// The group list's totals row, bold and bordered, and its money.
    let total: Format
    let totalMoney: Format
    /// The totals row's label and the empty cells its text runs over: bordered above and
    /// below only, with no line between them, so the label reads as one cell (constant-memory
    /// mode cannot merge cells).
    let totalLabel: Format
    let totalSpan: Format
    /// The group list's heading: the title, bold headings and plain or italic lines,
    /// each centred across the columns its text is written over.
    let heading: Format
    let centredBold: Format
    let centredItalic: Format
    let centred: Format
    let line: Format

    init(_ workbook: UnsafeMutablePointer<lxw_workbook>) {
        func format(_ configure: (Format) -> Void) -> Format {
            let format = workbook_add_format(workbook)!
            format_set_font_name(format, "Times New Roman")
            format_set_font_size(format, 12)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
            configure(format)
            return format
        }
        func cells(border: Bool) -> [ExportColumn.Kind: Format] {
            func cell(_ numberFormat: String?, align: lxw_format_alignments? = nil) -> Format {
                format { format in
                    if border { format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue)) }
                    if let numberFormat { format_set_num_format(format, numberFormat) }
                    if let align { format_set_align(format, UInt8(align.rawValue)) }
                }
            }
            return [
                .text: cell("@"), .number: cell(nil), .money: cell(Self.moneyFormat),
                .date: cell(Self.dateFormat, align: LXW_ALIGN_CENTER),
            ]
        }
        title = format { format in
            format_set_bold(format)
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_CENTER.rawValue))
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bg_color(format, 0xE7E6E6)
        }
        plain = cells(border: false)
        bordered = cells(border: true)
        total = format { format in
            format_set_bold(format)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
        }
        totalLabel = format { format in
            format_set_bold(format)
            format_set_top(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_left(format, UInt8(LXW_BORDER_THIN.rawValue))
        }
        totalSpan = format { format in
            format_set_top(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue))
        }
        totalMoney = format { format in
            format_set_bold(format)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_num_format(format, Self.moneyFormat)
        }
        heading = format { format in
            format_set_bold(format)
            format_set_font_size(format, 14)
            format_set_align(format, UInt8(LXW_ALIGN_CENTER_ACROSS.rawValue))
        }
        centredBold = format { format in
            format_set_bold(format)
            format_set_align(format, UInt8(LXW_ALIGN_CENTER_ACROSS.rawValue))
        }
        centredItalic = format { format in
            format_set_italic(format)
            format_set_align(format, UInt8(LXW_ALIGN_CENTER_ACROSS.rawValue))
        }
        centred = format { format in
            format_set_align(format, UInt8(LXW_ALIGN_CENTER_ACROSS.rawValue))
        }
        line = format { _ in }
    }

    /// A list cell's format by its column's kind.
    func cell(_ kind: ExportColumn.Kind, bordered: Bool) -> Format {
        (bordered ? self.bordered : plain)[kind]!
    }
}
