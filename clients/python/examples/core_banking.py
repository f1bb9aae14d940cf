#!/usr/bin/env python3
"""A core-banking system after a repayment: push a `loan.status` review of the loan and
read the result (the loan's status, what is overdue, the next due date and amount).

The idempotency key names the repayment, so when the answer is lost (a timeout, a crash
of this process) the same call submitted again finds the same job instead of reviewing
the loan twice. Works over either interface:

    core_banking.py tcp://127.0.0.1:5555                       # native CTCP01 (pyzmq)
    core_banking.py tcp://dispatcher:5555 --server-key server.key --key core-banking.key_secret
    core_banking.py http://127.0.0.1:9090                      # the HTTP API
    core_banking.py https://dispatcher:9443 --server-key ca.pem --key core-banking.token_secret
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from typing import Any, Dict

from chungtay import ChungTayError, Client


def loan_after_repayment(amount: int) -> Dict[str, Any]:
    """The loan as the core-banking ledger holds it once `amount` đồng were repaid (the
    record layout of SCHEMA.md's loan record)."""
    return {
        "loanId": "L-00001-1",
        "householdCode": "TL-00001",
        "program": "clean_water_sanitation",
        "principal": 80_000_000,
        "disbursedOn": "2025-01-15",
        "maturityOn": "2030-01-15",
        "repaymentPeriodMonths": 6,
        "principalRepaid": 29_500_000 + amount,
        "interestPaidThrough": "2026-11-30",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("endpoint", help="tcp://, ipc://, http:// or https:// address of the dispatcher")
    parser.add_argument("--server-key", help="CURVE: the dispatcher's public key; HTTPS: the CA file to trust")
    parser.add_argument("--key", help="CURVE: this service's NAME.key_secret; HTTP: its bearer token file")
    parser.add_argument("--transaction", default="TX-2026-11-30-000417", help="the repayment's transaction id")
    parser.add_argument("--amount", type=int, default=4_000_000, help="đồng repaid")
    parser.add_argument("--as-of", default=datetime.date(2026, 11, 30).isoformat())
    arguments = parser.parse_args()

    payload = {"asOf": arguments.as_of, "dueSoonDays": 30, "loan": loan_after_repayment(arguments.amount)}
    try:
        with Client(arguments.endpoint, server_key=arguments.server_key, key=arguments.key) as client:
            # Durable once this returns; the key makes a retry after a lost answer harmless.
            document = client.submit("loan.status", payload, key=f"repayment/{arguments.transaction}", wait=True)
    except ChungTayError as error:
        print(f"loan.status not reviewed: {error.code}: {error.message}", file=sys.stderr)
        return 1
    assert isinstance(document, dict)
    if document["state"] != "completed":
        print(f"job {document['id']} is {document['state']}: {json.dumps(document['error'])}", file=sys.stderr)
        return 1
    result = document["result"]
    print(
        json.dumps(
            {
                "job": document["id"],
                "loanId": result["loanId"],
                "status": result["status"],
                "outstanding": result["outstanding"],
                "overduePrincipal": result["overduePrincipal"],
                "nextDueOn": result["nextDueOn"],
                "nextDueAmount": result["nextDueAmount"],
                "flags": [flag["code"] for flag in result["flags"]],
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
