"""Compares the Celery side's documents with ChungTay's for one batch: every document of
each kind, without the members that differ between any two runs of one batch (taskId,
processedAt, worker, batchId; docs/BATCH.md), matched by what it is about (a review by its
source line, a loan status by its source line, a notification by its dedupKey and source),
members and their order included. Prints the counts and the first differences.

Usage: compare_documents.py --chungtay DATA/store --celery OUT/BATCH [--batch-id ID]
       (--batch-id: ChungTay's batch id, default the first batch in the store)
"""

import argparse
import glob
import json
import os
import sys

KINDS = ("household.review", "loan.status", "notify.emit")
RUN_MEMBERS = ("taskId", "processedAt", "worker", "batchId")


def identity(kind, document):
    source = json.dumps(document.get("source"), sort_keys=True)
    if kind == "notify.emit":
        return document.get("dedupKey"), source
    return source


def comparable(line):
    document = json.loads(line)
    return document, json.dumps({k: v for k, v in document.items() if k not in RUN_MEMBERS}, ensure_ascii=False)


def read(paths, batch_id=None):
    documents = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for line in file:
                document, text = comparable(line)
                if batch_id is not None and document.get("batchId") != batch_id:
                    continue
                documents.setdefault(identity(document["kind"], document), []).append(text)
    return documents


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chungtay", required=True)
    parser.add_argument("--celery", required=True)
    parser.add_argument("--batch-id")
    options = parser.parse_args()
    batch_id = options.batch_id
    if batch_id is None:
        with open(sorted(glob.glob(os.path.join(options.chungtay, "household.review", "segment-*.jsonl")))[0]) as file:
            batch_id = json.loads(file.readline())["batchId"]
    equal_total = all_total = 0
    for kind in KINDS:
        ours = read(sorted(glob.glob(os.path.join(options.chungtay, kind, "segment-*.jsonl"))), batch_id)
        theirs = read(sorted(glob.glob(os.path.join(options.celery, kind, "*.jsonl"))))
        count = sum(len(v) for v in ours.values())
        equal, shown = 0, 0
        for key, texts in ours.items():
            other = list(theirs.get(key, []))
            for text in texts:
                if text in other:
                    other.remove(text)
                    equal += 1
                elif shown < 3:
                    shown += 1
                    print(f"{kind} differs at {key}:\n  chungtay {text}\n  celery   {other[0] if other else None}")
        extra = sum(len(v) for v in theirs.values()) - equal
        print(f"{kind}: {equal} of {count} ChungTay documents equal in the Celery output"
              f" ({count - equal} differ or are missing; {extra} Celery documents unmatched)")
        equal_total += equal
        all_total += count
    print(f"documents equal: {equal_total} of {all_total} (batch {batch_id}, ignoring {', '.join(RUN_MEMBERS)})")
    return 0 if equal_total == all_total else 1


if __name__ == "__main__":
    sys.exit(main())
