#!/usr/bin/python3
"""peak_rss.py OUT COMMAND [ARGUMENT…]: runs COMMAND, writes its peak resident set size in
KiB (getrusage of the reaped child, as /usr/bin/time's %M) to OUT, and exits with its status.
The system tests measure the client with it, so they need no `time` package."""
import resource
import subprocess
import sys

completed = subprocess.run(sys.argv[2:])
with open(sys.argv[1], "w") as handle:
    handle.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
sys.exit(completed.returncode if completed.returncode >= 0 else 128 - completed.returncode)
