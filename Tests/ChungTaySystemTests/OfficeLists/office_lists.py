#!/usr/bin/python3
"""The demo list as offices keep it, and exported workbooks read back, for the system tests
(OfficeListTests, ExportWorkbookTests) and scripts/bench-workbook.

Subcommands (run with the system's /usr/bin/python3, which has openpyxl):

  workbook COLUMNS HOUSEHOLDS.csv LOANS.csv OUT.xlsx
      One workbook with a households sheet and a loans sheet, as an office types it:
      title rows above a header of Vietnamese column titles (from COLUMNS, the JSON that
      the test writes from RecordColumn), an STT column first, numbers as numbers, dates as
      Excel dates (dd/mm/yyyy), flags as booleans, codes as text. Written in openpyxl's
      write-only mode, row by row (200,000 households: about 3 minutes and 450 MB).

  shared-strings IN.xlsx OUT.xlsx
      The workbook with its strings in a shared-string table, as Excel saves it.

  delimited COLUMNS LIST.csv OUT.txt --list households|loans --delimiter ';'|','|tab
            --locale vi|en --flags vi|excel|plain
      The list as Excel saves "CSV" or "Text" on an office machine, as UTF-8 text (the
      test encodes it into a legacy encoding): Vietnamese titles, an STT column, numbers
      written in the locale (vi: 4.965.000 and 99,9), dates d/m/y under vi, CRLF lines.

  export-rows COLUMNS CSV_DIR XLSX_DIR
      Compares a `batch export --format csv` with a `--format xlsx` of the same batch, by
      the layout docs/BATCH.md "Export" documents: every CSV has its sheet, every row its
      row, every field its cell (the same text, typed as the column says: money `#,##0`,
      dates dd/mm/yyyy, codes as text), titles from RecordColumn, the header frozen; the
      JSON files are the same bytes. Prints one JSON object: what was compared and the
      differences found (at most 40).
"""
import csv
import datetime
import json
import os
import re
import sys

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

INTEGER = re.compile(r"^-?[0-9]+$")
DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")
ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def load_columns(path):
    """COLUMNS: {"households": [{"field", "kind", "title", "aliases"}…], "loans": […]}."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_list(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def titles(header, columns, list_name):
    """The Vietnamese titles heading the CSV's columns: each field's export title, and for
    a few fields an alias, so that both kinds of accepted title are read."""
    by_field = {column["field"]: column for column in columns[list_name]}
    use_alias = {"headName", "loanId", "village"}
    names = []
    for field in header:
        column = by_field[field]
        names.append(column["aliases"][0] if field in use_alias and column["aliases"] else column["title"])
    return names


def kinds(header, columns, list_name):
    by_field = {column["field"]: column for column in columns[list_name]}
    return [by_field[field]["kind"] for field in header]


def iso_date(text):
    match = ISO_DATE.match(text)
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def typed(text, kind):
    """The value openpyxl writes for one CSV cell of a column of `kind`."""
    if kind == "number":
        if INTEGER.match(text):
            return int(text)
        if DECIMAL.match(text):
            return float(text)
    elif kind == "flag":
        if text in ("true", "false"):
            return text == "true"
    elif kind == "date":
        date = iso_date(text)
        if date is not None:
            return date
    return text


def write_workbook(columns_path, households_path, loans_path, out_path):
    columns = load_columns(columns_path)
    book = Workbook(write_only=True)
    sheets = [
        ("Danh sách hộ", households_path, "households",
         ["DANH SÁCH HỘ GIA ĐÌNH RÀ SOÁT NĂM 2026", "Huyện Tánh Linh, tỉnh Lâm Đồng"]),
        ("Khoản vay", loans_path, "loans", ["SỔ THEO DÕI KHOẢN VAY"]),
    ]
    for sheet_name, path, list_name, headings in sheets:
        sheet = book.create_sheet(sheet_name)
        header, rows = read_list(path)
        column_kinds = kinds(header, columns, list_name)
        for heading in headings:
            sheet.append([heading])
        sheet.append(["STT"] + titles(header, columns, list_name))
        for number, row in enumerate(rows, start=1):
            cells = [number]
            for text, kind in zip(row, column_kinds):
                if text == "":
                    cells.append(None)
                    continue
                value = typed(text, kind)
                if isinstance(value, datetime.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    cells.append(cell)
                elif isinstance(value, str) and kind == "text" and INTEGER.match(value):
                    # A code of digits (citizenId, phone) typed as text, as offices format those columns.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "@"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    book.save(out_path)


INLINE_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)


def shared_strings(in_path, out_path):
    """The workbook with its inline strings moved to a shared-string table, as Excel saves
    every workbook (openpyxl's write-only mode writes inline strings only). The sheets are
    rewritten as a stream, a row boundary at a time; the table holds each text once."""
    import zipfile
    table = {}
    with zipfile.ZipFile(in_path) as source, zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if not entry.filename.startswith("xl/worksheets/sheet"):
                continue
            with source.open(entry) as reader, target.open(entry.filename, "w", force_zip64=True) as writer:
                pending = ""
                while True:
                    chunk = reader.read(1 << 20)
                    text = pending + chunk.decode("utf-8") if chunk else pending
                    cut = text.rfind("</row>") + len("</row>") if chunk else len(text)
                    if chunk and cut < len("</row>"):
                        pending = text
                        continue
                    def shared(match):
                        index = table.setdefault(match.group(4), len(table))
                        return f'<c r="{match.group(1)}"{match.group(2)} t="s"{match.group(3)}><v>{index}</v></c>'
                    writer.write(INLINE_CELL.sub(shared, text[:cut]).encode("utf-8"))
                    pending = text[cut:]
                    if not chunk:
                        break
        for entry in source.infolist():
            if entry.filename.startswith("xl/worksheets/sheet"):
                continue
            data = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif entry.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            target.writestr(entry, data)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as writer:
            writer.write(f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(table)}" '
                         f'uniqueCount="{len(table)}">'.encode("utf-8"))
            for text in table:
                writer.write(f"<si><t>{text}</t></si>".encode("utf-8"))
            writer.write(b"</sst>")


def vi_number(text):
    """A number as a Vietnamese-locale Excel writes it: dot grouping, decimal comma."""
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    whole, _, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    written = ".".join(groups) + ("," + fraction if fraction else "")
    return ("-" if negative else "") + written


def delimited_cell(text, kind, locale, flags):
    if text == "":
        return text
    if kind == "number" and (INTEGER.match(text) or DECIMAL.match(text)) and locale == "vi":
        return vi_number(text)
    if kind == "date" and locale == "vi":
        date = iso_date(text)
        if date is not None:
            return date.strftime("%d/%m/%Y")
    if kind == "flag" and text in ("true", "false"):
        if flags == "vi":
            return "có" if text == "true" else "không"
        if flags == "excel":
            return text.upper()
    return text


def write_delimited(columns_path, list_path, out_path, list_name, delimiter, locale, flags):
    columns = load_columns(columns_path)
    header, rows = read_list(list_path)
    column_kinds = kinds(header, columns, list_name)
    with open(out_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(["STT"] + titles(header, columns, list_name))
        for number, row in enumerate(rows, start=1):
            writer.writerow([str(number)] + [delimited_cell(text, kind, locale, flags) for text, kind in zip(row, column_kinds)])


def csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


# The export's typed columns (docs/BATCH.md "Where each CSV column lands"): money, numbers, dates.
MONEY = {"incomePerCapita", "povertyLine", "outstanding", "overduePrincipal", "nextDueAmount", "interestDue", "overdueSurcharge"}
NUMBERS = {"deprivationCount", "daysOverdue", "annualRatePercent", "priorityScore", "sourceLine"}
DATES = {"escapedOn", "nextDueOn"}
NUMBER_TEXT = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$")
# The group list's column per CSV column (A is STT) and the words it writes for codes.
GROUP_COLUMNS = ["headName", "village", "householdCode", "loanId", "nextDueOn", "nextDueAmount", "daysOverdue",
                 "overduePrincipal", "interestDue", "overdueSurcharge", "current", "priorityScore", "section"]
GROUP_WORDS = {
    "current": {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo", "newly_escaped": "Hộ mới thoát nghèo",
                "average": "Hộ có mức sống trung bình", "above": "Hộ ngoài diện"},
    "section": {"due": "Đến hạn", "overdue": "Quá hạn", "supplement_candidate": "Đề nghị vay bổ sung"},
}


def cell_text(value):
    """A workbook cell as the CSV export writes the same field (docs/BATCH.md "Cells")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ExportComparison:
    def __init__(self, columns):
        self.titles = {}
        for list_name in ("households", "loans"):
            for column in columns[list_name]:
                self.titles[column["field"]] = column["title"]
        self.report = {"workbooks": 0, "sheets": 0, "rows": 0, "cells": {"money": 0, "number": 0, "date": 0, "text": 0},
                       "differences": []}

    def differ(self, text):
        if len(self.report["differences"]) < 40:
            self.report["differences"].append(text)

    def check_cell(self, where, field, cell, text):
        """One cell against its CSV field: the same text, typed as the column says."""
        value = cell.value
        if cell_text(value) != text:
            self.differ(f"{where} ({field}): {value!r} != {text!r}")
            return
        numeric = field in MONEY or field in NUMBERS
        if numeric and NUMBER_TEXT.match(text) and len(text.replace("-", "").replace(".", "").lstrip("0")) <= 15:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.differ(f"{where} ({field}): {value!r} is not a number cell")
            elif field in MONEY and cell.number_format != "#,##0":
                self.differ(f"{where} ({field}): money formatted {cell.number_format!r}")
            else:
                self.report["cells"]["money" if field in MONEY else "number"] += 1
        elif field in DATES and ISO_DATE.match(text):
            if not isinstance(value, datetime.datetime) or not cell.is_date or cell.number_format.lower() != "dd/mm/yyyy":
                self.differ(f"{where} ({field}): {value!r} ({cell.number_format!r}) is not a dd/mm/yyyy date cell")
            else:
                self.report["cells"]["date"] += 1
        elif text != "":
            if not isinstance(value, str):
                self.differ(f"{where} ({field}): {value!r} is not a text cell")
            else:
                self.report["cells"]["text"] += 1

    def table(self, csv_path, book, xlsx_name, sheet_name):
        """A commune sheet or Thông báo: titles in row 1 (frozen), the CSV's rows from row 2."""
        header, *data = csv_rows(csv_path)
        if sheet_name not in book.sheetnames:
            self.differ(f"{xlsx_name}: no sheet {sheet_name!r} (has {book.sheetnames})")
            return
        sheet = book[sheet_name]
        self.report["sheets"] += 1
        if sheet.freeze_panes != "A2":
            self.differ(f"{xlsx_name}!{sheet_name}: frozen at {sheet.freeze_panes!r}, not below the title row")
        titles = [cell.value for cell in sheet[1]][:len(header)]
        for field, title in zip(header, titles):
            if field in self.titles and title != self.titles[field]:
                self.differ(f"{xlsx_name}!{sheet_name}: {field} titled {title!r}, RecordColumn says {self.titles[field]!r}")
        rows = list(sheet.iter_rows(min_row=2, max_col=len(header)))
        while rows and all(cell.value is None for cell in rows[-1]):
            rows.pop()
        if len(rows) != len(data):
            self.differ(f"{xlsx_name}!{sheet_name}: {len(rows)} rows, {csv_path}: {len(data)}")
        for cells, fields in zip(rows, data):
            for cell, field, text in zip(cells, header, fields):
                self.check_cell(f"{xlsx_name}!{sheet_name}!{cell.coordinate}", field, cell, text)
            self.report["rows"] += 1

    def group(self, csv_path, book, xlsx_name):
        """A savings group's Danh sách: titles in row 9 (frozen), rows numbered from row 10
        until column A is empty (the totals row)."""
        header, *data = csv_rows(csv_path)
        if "Danh sách" not in book.sheetnames:
            self.differ(f"{xlsx_name}: no sheet 'Danh sách' (has {book.sheetnames})")
            return
        sheet = book["Danh sách"]
        self.report["sheets"] += 1
        if sheet.freeze_panes != "A10":
            self.differ(f"{xlsx_name}: frozen at {sheet.freeze_panes!r}, not below row 9")
        rows = []
        for cells in sheet.iter_rows(min_row=10, max_col=1 + len(GROUP_COLUMNS)):
            if cells[0].value is None:
                break
            rows.append(cells)
        if len(rows) != len(data):
            self.differ(f"{xlsx_name}: {len(rows)} rows before the totals, {csv_path}: {len(data)}")
        for number, (cells, fields) in enumerate(zip(rows, data), start=1):
            record = dict(zip(header, fields))
            if cells[0].value != number:
                self.differ(f"{xlsx_name}!{cells[0].coordinate}: STT {cells[0].value!r}, not {number}")
            for cell, field in zip(cells[1:], GROUP_COLUMNS):
                text = record.get(field, "")
                text = GROUP_WORDS.get(field, {}).get(text, text)
                self.check_cell(f"{xlsx_name}!{cell.coordinate}", field, cell, text)
            self.report["rows"] += 1

    def compare(self, csv_dir, xlsx_dir):
        expected_books = set()
        communes = os.path.join(csv_dir, "communes")
        for commune in sorted(os.listdir(communes)):
            xlsx_name = f"communes/{commune}.xlsx"
            expected_books.add(xlsx_name)
            book = self.open(xlsx_dir, xlsx_name)
            if book is None:
                continue
            for csv_name, sheet_name in (("households.csv", "Hộ gia đình"), ("loans.csv", "Khoản vay")):
                path = os.path.join(communes, commune, csv_name)
                if os.path.exists(path):
                    self.table(path, book, xlsx_name, sheet_name)
        book = self.open(xlsx_dir, "notifications.xlsx")
        expected_books.add("notifications.xlsx")
        if book is not None:
            self.table(os.path.join(csv_dir, "notifications.csv"), book, "notifications.xlsx", "Thông báo")
        groups = os.path.join(csv_dir, "savings-groups")
        for name in sorted(os.listdir(groups)):
            stem, suffix = os.path.splitext(name)
            if suffix == ".json":
                self.same_bytes(csv_dir, xlsx_dir, f"savings-groups/{name}")
            elif suffix == ".csv":
                xlsx_name = f"savings-groups/{stem}.xlsx"
                expected_books.add(xlsx_name)
                book = self.open(xlsx_dir, xlsx_name)
                if book is not None:
                    self.group(os.path.join(groups, name), book, xlsx_name)
        self.same_bytes(csv_dir, xlsx_dir, "summary.json")
        found = set()
        for directory, _, files in os.walk(xlsx_dir):
            for name in files:
                relative = os.path.relpath(os.path.join(directory, name), xlsx_dir)
                if name.endswith(".csv"):
                    self.differ(f"{relative}: a CSV in the xlsx export")
                if name.endswith(".xlsx"):
                    found.add(relative)
        for extra in sorted(found - expected_books):
            self.differ(f"{extra}: a workbook the CSV export has no file for")
        print(json.dumps(self.report, ensure_ascii=False))

    def open(self, xlsx_dir, name):
        path = os.path.join(xlsx_dir, name)
        if not os.path.exists(path):
            self.differ(f"{name}: missing")
            return None
        self.report["workbooks"] += 1
        return load_workbook(path)

    def same_bytes(self, csv_dir, xlsx_dir, name):
        paths = [os.path.join(csv_dir, name), os.path.join(xlsx_dir, name)]
        if not all(os.path.exists(path) for path in paths):
            self.differ(f"{name}: not in both exports")
            return
        contents = []
        for path in paths:
            with open(path, "rb") as handle:
                contents.append(handle.read())
        if contents[0] != contents[1]:
            self.differ(f"{name}: differs between the exports")


def main(arguments):
    command = arguments[0]
    if command == "workbook":
        write_workbook(*arguments[1:5])
    elif command == "shared-strings":
        shared_strings(arguments[1], arguments[2])
    elif command == "delimited":
        options = dict(zip(arguments[4::2], arguments[5::2]))
        delimiter = {"tab": "\t"}.get(options["--delimiter"], options["--delimiter"])
        write_delimited(arguments[1], arguments[2], arguments[3], options["--list"], delimiter, options["--locale"], options["--flags"])
    elif command == "export-rows":
        ExportComparison(load_columns(arguments[1])).compare(arguments[2], arguments[3])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
