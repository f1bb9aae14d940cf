"""The Celery app of scripts/bench-small: the three stages of a ChungTay batch as Celery
tasks over Redis, chained household.review → loan.status → notify.emit per chunk of 500
households, with the stage payloads of docs/BATCH.md as the tasks' arguments and results.

Durability, as close to ChungTay's as Celery gets: the broker is a redis-server with
`appendonly yes` and `appendfsync always` (every write, a submitted task included, is
fsynced before Redis answers), tasks are acknowledged late (after they return), and each
task writes its documents to a JSON Lines file of its own (OUT/BATCH/KIND/TASK.jsonl:
written to a temporary name, fsynced, renamed, the directory fsynced) before it returns,
so a task retried after a crash replaces its file rather than adding documents: one
document set per task, durable before the next stage is queued.
"""

import datetime
import json
import os
import socket

from celery import Celery

import rules as domain

app = Celery("review_app", broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    result_backend=app.conf.broker_url,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
)

RULES = domain.Rules()
OUT = os.environ.get("CHUNGTAY_CELERY_OUT", "out")


def _write(batch_id, kind, task_id, documents):
    """The task's documents, one JSON line each, made durable under the task's own name."""
    directory = os.path.join(OUT, batch_id, kind)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, task_id + ".jsonl")
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write("".join(line + "\n" for line in documents))
        file.flush()
        os.fsync(file.fileno())
    os.rename(temporary, path)
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _runtime(task, kind, batch, position):
    """The members a ChungTay worker's runtime puts first."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "taskId": f"{task.request.id}.{position}",
        "kind": kind,
        "batchId": batch["id"],
        "processedAt": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "worker": task.request.hostname or socket.gethostname(),
    }


def _source(item):
    return {"file": item["file"], "line": item["line"]}


def _line(document):
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


# The first two stages' results travel to the next stage in the chain's message; only the
# last stage's (a count) is kept in the result backend, for the submitter to wait on.
@app.task(bind=True, name="household.review", ignore_result=True)
def household_review(self, payload):
    batch = payload["batch"]
    as_of = datetime.date.fromisoformat(batch["asOf"])
    standard = RULES.standard_for(as_of)
    lines, notices = [], []
    for position, item in enumerate(payload["households"], 1):
        review, notice = domain.review_household(
            item["record"], item.get("listFlags") or [], item.get("inputError"), _source(item), as_of, RULES, standard
        )
        document = _runtime(self, "household.review", batch, position)
        document.update(review)
        document["source"] = notice["source"] = _source(item)
        lines.append(_line(document))
        notices.append(notice)
    _write(batch["id"], "household.review", self.request.id, lines)
    return {"batch": batch, "loans": payload.get("loans") or [], "reviews": notices}


@app.task(bind=True, name="loan.status", ignore_result=True)
def loan_status(self, payload):
    batch = payload["batch"]
    as_of = datetime.date.fromisoformat(batch["asOf"])
    lines, notices = [], []
    for position, item in enumerate(payload["loans"], 1):
        status, notice = domain.loan_status(
            item["record"], item.get("listFlags") or [], item.get("inputError"), _source(item), as_of, RULES
        )
        document = _runtime(self, "loan.status", batch, position)
        document.update(status)
        document["source"] = notice["source"] = _source(item)
        lines.append(domain.loan_document_text(document))
        notices.append(notice)
    _write(batch["id"], "loan.status", self.request.id, lines)
    return {"batch": batch, "reviews": payload.get("reviews") or [], "loans": notices}


@app.task(bind=True, name="notify.emit")
def notify_emit(self, payload):
    batch = payload["batch"]
    as_of = datetime.date.fromisoformat(batch["asOf"])
    lines = []
    messages = domain.chunk_notifications(payload.get("reviews") or [], payload.get("loans") or [], as_of, RULES)
    for position, (message, subject) in enumerate(messages, 1):
        document = _runtime(self, "notify.emit", batch, position)
        document.update(message)
        document["source"] = subject.get("source")
        lines.append(_line(document))
    _write(batch["id"], "notify.emit", self.request.id, lines)
    return len(lines)
