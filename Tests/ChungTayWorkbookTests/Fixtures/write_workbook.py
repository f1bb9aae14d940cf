"""Writes the test workbooks of ChungTayWorkbookTests with openpyxl: write_workbook.py KIND PATH."""
import datetime
import sys
import unicodedata

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

kind, path = sys.argv[1], sys.argv[2]
workbook = Workbook()
sheet = workbook.active
if kind == "types":
    sheet.title = "Danh sách hộ"
    sheet["A1"] = "DANH SÁCH HỘ GIA ĐÌNH"
    sheet.append(["Mã hộ", "Họ và tên chủ hộ", "Số nhân khẩu", "Thu nhập", "Ngày sinh", "Hộ nghèo", "Ghi chú"])
    sheet.append(["TL-0001", "Nguyễn Văn An", 4, 4965000, datetime.date(1975, 3, 9), True, "#N/A"])
    # Text typed on a machine that writes NFD.
    sheet.append(["TL-0002", unicodedata.normalize("NFD", "Trần Thị Bé"), 3, 40.8, datetime.datetime(1980, 12, 31, 12, 0), False])
    sheet.cell(row=7, column=3, value=0.1 + 0.2)
    sheet.cell(row=7, column=30, value="xa")
    loans = workbook.create_sheet("Khoản vay")
    loans.append(["Mã khoản vay", "Mã hộ"])
    loans.append(["V-1", "TL-0001"])
    workbook.create_chartsheet("Biểu đồ")
elif kind == "1904":
    workbook.epoch = CALENDAR_MAC_1904
    sheet["A1"] = datetime.date(2025, 7, 1)
    sheet["B1"] = 1.5
elif kind == "strings":
    # Many distinct shared strings, to cross the tokenizer's and the inflater's buffers.
    for row in range(1, 20001):
        sheet.append(["mã %d" % row, row, "chuỗi dài " * (row % 7)])
elif kind == "hidden":
    # Excel's Format > Hide, and a sheet only a macro can show.
    sheet.title = "Cũ"
    sheet.sheet_state = "hidden"
    sheet["A1"] = "Mã hộ"
    workbook.create_sheet("Danh sách")["A1"] = "Mã hộ"
    workbook.create_sheet("Tra cứu").sheet_state = "veryHidden"
    workbook.create_sheet("Hiện").sheet_state = "visible"
    workbook.active = 1
else:
    raise SystemExit("unknown kind " + kind)
workbook.save(path)
