"""Submits a household list (and its loans) to the Celery app as ChungTay's `batch submit`
does, and waits for every chunk's last stage: pass 1 counts citizen IDs and household codes
(list-level duplicate flags) and joins the loans to their households; pass 2 cuts the list
into chunks of 500 households in file order, each with its households' loans (per household
in loan-file order), chained household.review → loan.status → notify.emit; loans of no listed
household go last in chunks of 500, flagged household_not_in_list, straight to loan.status.

Usage: submit.py --households FILE --loans FILE --as-of YYYY-MM-DD --batch NAME [--chunk-size N]
       (--chunk-size 1: a chain per household, as Celery apps are commonly written)
       submit.py --ping   (waits until the two workers answer, then runs one empty chain)
"""

import argparse
import csv
import json
import sys
import time
import unicodedata

from celery import chain

from review_app import app, household_review, loan_status, notify_emit

CHUNK = 500


def read_items(path):
    """Items of docs/BATCH.md: {file, line, record}, CSV cells as text with empty ones left out."""
    name = path.rsplit("/", 1)[-1]
    items = []
    with open(path, encoding="utf-8-sig", newline="") as file:
        if path.endswith(".jsonl"):
            for number, line in enumerate(file, 1):
                if line.strip():
                    items.append({"file": name, "line": number, "record": json.loads(line)})
        else:
            reader = csv.reader(file)
            header = next(reader)
            line = 1
            for row in reader:
                if not row:
                    line = reader.line_num
                    continue
                record = {key: cell for key, cell in zip(header, row) if cell != ""}
                item = {"file": name, "line": line + 1, "record": record}
                if len(row) != len(header):
                    cells = "cell" if len(row) == 1 else "cells"
                    item["inputError"] = {"column": min(len(row), len(header)) + 1,
                                          "message": f"row has {len(row)} {cells}, the header {len(header)}", "field": None}
                items.append(item)
                line = reader.line_num
    return items


def key(value):
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value.strip())
        return value or None
    return None


def payloads(households_path, loans_path, as_of, batch):
    households = read_items(households_path)
    loans = read_items(loans_path) if loans_path else []
    citizen_ids, codes = {}, {}
    for item in households:
        for table, field in ((citizen_ids, "citizenId"), (codes, "householdCode")):
            value = key(item["record"].get(field))
            if value is not None:
                table[value] = table.get(value, 0) + 1
    loans_by_code, unjoined = {}, []
    for loan in loans:
        code = key(loan["record"].get("householdCode"))
        if code is not None and code in codes:
            loans_by_code.setdefault(code, []).append(loan)
        else:
            unjoined.append(dict(loan, listFlags=["household_not_in_list"]))
    header = {"id": batch, "asOf": as_of, "whatIf": False}
    for start in range(0, len(households), CHUNK):
        chunk, chunk_loans, seen = [], [], set()
        for item in households[start:start + CHUNK]:
            flags = []
            if citizen_ids.get(key(item["record"].get("citizenId")), 0) > 1:
                flags.append("duplicate_citizen_id")
            code = key(item["record"].get("householdCode"))
            if codes.get(code, 0) > 1:
                flags.append("duplicate_household_code")
            chunk.append(dict(item, listFlags=flags) if flags else item)
            if code in loans_by_code and code not in seen:
                seen.add(code)
                chunk_loans += loans_by_code[code]
        yield "households", {"batch": header, "households": chunk, "loans": chunk_loans}
    for start in range(0, len(unjoined), CHUNK):
        yield "loans", {"batch": header, "loans": unjoined[start:start + CHUNK], "reviews": []}


def wait_for(results):
    """The chains' last results, polled rather than through `result.get()`: get() waits on the
    result backend's pub/sub message, and a run of the 8,000 list once waited forever for
    results Redis already held (every task done, nothing queued or unacknowledged)."""
    for result in results:
        # One backend read per 5 ms: polling every chain each time cost as much CPU as a stage.
        while not result.ready():
            time.sleep(0.005)
    return [result.get() for result in results]


def main():
    global CHUNK
    parser = argparse.ArgumentParser()
    parser.add_argument("--households")
    parser.add_argument("--loans")
    parser.add_argument("--as-of")
    parser.add_argument("--batch")
    parser.add_argument("--chunk-size", type=int, default=CHUNK)
    parser.add_argument("--ping", action="store_true")
    options = parser.parse_args()
    CHUNK = options.chunk_size
    if options.ping:
        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=1.0) or []) < 2:
            if time.monotonic() > deadline:
                sys.exit("the two Celery workers did not answer within 60 s")
        empty = {"batch": {"id": "warm-up", "asOf": "2026-11-27", "whatIf": False}, "households": [], "loans": []}
        results = [chain(household_review.s(empty), loan_status.s(), notify_emit.s()).apply_async() for _ in range(4)]
        wait_for(results)
        return
    results = []
    for stage, payload in payloads(options.households, options.loans, options.as_of, options.batch):
        if stage == "households":
            results.append(chain(household_review.s(payload), loan_status.s(), notify_emit.s()).apply_async())
        else:
            results.append(chain(loan_status.s(payload), notify_emit.s()).apply_async())
    notifications = sum(wait_for(results))
    print(f"batch {options.batch} complete: {len(results)} chunks, {notifications} notifications")


if __name__ == "__main__":
    main()
