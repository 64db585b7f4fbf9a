"""The process a timed query runs in for an on-disk store: ``python -m kg_connect._worker``.

It reads one request (JSON) from stdin, opens the snapshot of the store read-only, and
writes the answer to stdout as ``_running.write_answer`` does. Its parent kills it at the
query's deadline; it never writes to the store.
"""

from __future__ import annotations

import json
import signal
import sys

import pyoxigraph as ox

from kg_connect._backends._oxigraph import write_answer
from kg_connect.errors import KgConnectError, QueryError


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it at once, even inside the engine
    request = json.loads(sys.stdin.buffer.read())
    out = sys.stdout.buffer
    try:
        store = ox.Store.read_only(request["store"])
        write_answer(store, request["text"], request["prefixes"], request["base_iri"], request["form"], out,
                     bool(request.get("union")))
    except QueryError as exc:
        out.write(json.dumps({"error": {"reason": exc.reason, "line": exc.line, "column": exc.column}}).encode()
                  + b"\n")
    except (KgConnectError, OSError, RuntimeError) as exc:
        out.write(json.dumps({"error": {"reason": f"query failed: {exc}"}}).encode() + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
