# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Stopping fairseq's data-loading threads before the interpreter exits.

fairseq reads batches ahead in a daemon thread (``BufferedIterator``'s ``BackgroundConsumer``,
``--data-buffer-size`` > 0, the default). Training stops mid-epoch at ``--max-update``, and that
thread may then be inside a torch call that released the GIL (receiving a batch from a DataLoader
worker). A daemon thread that takes the GIL back while the interpreter finalizes is ended by
``pthread_exit``, whose unwinding through torch's C++ frames calls ``std::terminate``: the process
aborts after "done training" with "terminate called without an active exception" (SIGABRT), and
its exit status reads as a failure. Seen in 2 of 13 short LRA runs on a CPU; the same abort comes
from any daemon thread left in a torch op at exit (``tests/plugin/test_loader_threads.py``).

Importing the plugin registers ``stop_background_consumers`` to run when Python begins to shut
down (before ``atexit`` handlers, so the DataLoader workers are still alive): each consumer is told
to stop after the batch it holds, and its queue is drained until it has ended.
"""
from __future__ import annotations

import queue
import sys
import threading
import time

from fairseq.data.iterators import BackgroundConsumer

TIMEOUT_S = 60.0


def stop_background_consumers(timeout: float = TIMEOUT_S) -> int:
    """End every live fairseq ``BackgroundConsumer`` thread: each finishes the batch it is reading,
    then stops (its queue is drained so that it is never blocked on a full one). Returns how many
    were stopped; a thread still running after ``timeout`` seconds is named on stderr."""
    threads = [t for t in threading.enumerate() if isinstance(t, BackgroundConsumer) and t.is_alive()]
    deadline = time.monotonic() + timeout
    for t in threads:
        t._max_len = 0  # its loop breaks after its next put, then puts the end sentinel
        while t.is_alive() and time.monotonic() < deadline:
            try:
                t._queue.get(timeout=0.05)
            except queue.Empty:
                pass
        if t.is_alive():
            print(f"[fairseq_plugin] fairseq's data-loading thread {t.name} did not stop within {timeout:.0f} s; "
                  "the process may abort at exit", file=sys.stderr, flush=True)
    return sum(not t.is_alive() for t in threads)


threading._register_atexit(stop_background_consumers)  # before atexit: the loaders' workers still run
