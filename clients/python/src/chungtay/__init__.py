"""ChungTay clients: the native protocol CTCP01 over ZeroMQ and the HTTP API.

    from chungtay import Client
    with Client("tcp://127.0.0.1:5555") as client:
        job_id = client.submit("loan.status", {...}, key="repayment-4711")
        document = client.wait(job_id)[0]
"""

from .client import Client
from .errors import ChungTayError
from .types import Accepted, BatchStatus, JobDocument, Payload

__all__ = ["Accepted", "BatchStatus", "ChungTayError", "Client", "JobDocument", "Payload"]
__version__ = "0.15.0"
