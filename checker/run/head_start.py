"""A head start for a parallel scan: the first policies' reading, done on an idle core while this
process starts spaCy.

A parallel run forks its workers once spaCy is imported and the checklists are compiled, so every
worker inherits them instead of paying for them again; but that start-up (~0.7 s) runs on one core
while the others wait. A forked child uses those cores for the part of each policy that needs no
spaCy (:func:`checker.run.tasks.prepare`: read the file, ask the cache, parse HTML/Markdown/PDF into
blocks, detect the language; ~15% of a policy's work) on the policies next in line. When the
start-up is over the parent stops the child and takes what it finished: each policy as a pickled
outcome (a cached result, a skip, an error) or a pickled :class:`~checker.run.tasks.Prepared`, which
goes on to a worker as bytes, so only that worker unpickles it.

The child appends each record to an unlinked temporary file in one write, and the parent reads the
complete records after the child is gone: a child that is slow on one file is not waited for
(past :data:`GRACE_SECONDS` it is killed, its file left to a worker), and a child that dies leaves
the records it finished. Nothing here can fail a run: without ``os.fork``, with threads running
(forking them is unsafe), or on any error, the policies are simply scanned the normal way.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from checker.run.tasks import Settings, Task

MAX_POLICIES = 1024
"""Policies the child prepares at most (a statistical model can take seconds to load)."""
MAX_BYTES = 32 * 1024 * 1024
"""Pickled records the child writes at most: what the parent then holds until it sends them on
(~32 KB a policy; the blank pipeline's start-up leaves time for ~150 policies, 5 MB)."""
GRACE_SECONDS = 0.1
"""How long the parent waits for the child to finish the policy it is on before killing it."""
_HEADER = struct.Struct("<cQ")
"""A record's tag (b"O" an outcome, b"P" a prepared policy) and the length of its pickle."""
OUTCOME, PREPARED = b"O", b"P"


@dataclass(frozen=True)
class Record:
    """One policy the child finished: ``tag`` says whether ``data`` pickles an Outcome or a
    Prepared."""

    tag: bytes
    data: bytes


class HeadStart:
    """A forked child preparing ``tasks`` in order until :meth:`collect` stops it."""

    def __init__(self, pid: int, stop: int, spool: IO[bytes]) -> None:
        self._pid = pid
        self._stop = stop
        self._spool = spool

    @classmethod
    def begin(cls, tasks: Sequence[Task], settings: Settings, digest: str) -> HeadStart | None:
        """Fork the child, or None where that is impossible or unsafe (it is only an optimisation)."""
        if not tasks or not hasattr(os, "fork") or _other_threads():
            return None
        try:
            spool = tempfile.TemporaryFile()
            stop_read, stop_write = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(stop_read)
            os.close(stop_write)
            spool.close()
            return None
        if pid == 0:  # the child: never returns
            os.close(stop_write)
            _prepare_until_stopped(tasks[:MAX_POLICIES], settings, digest, stop_read, spool.fileno())
        os.close(stop_read)
        return cls(pid, stop_write, spool)

    def collect(self, wait: bool = False) -> list[Record]:
        """Stop the child (``wait``: let it prepare all its policies first) and return the records
        it completed, in task order (possibly none)."""
        try:
            if wait:
                os.waitpid(self._pid, 0)
                self._pid = 0
            self._end_child()
            self._spool.seek(0)
            return _records(self._spool.read())
        except OSError:
            return []
        finally:
            self._spool.close()

    def cancel(self) -> None:
        """Stop the child and drop its work (the start-up it was overlapping failed: that error,
        not one of ours, is the one to report)."""
        try:
            self._end_child()
        except OSError:  # e.g. reaped already where SIGCHLD is ignored
            pass
        finally:
            self._spool.close()

    def _end_child(self) -> None:
        try:
            os.write(self._stop, b"x")
        except OSError:  # the child is gone already
            pass
        os.close(self._stop)
        if not self._pid:  # reaped already
            return
        deadline = time.monotonic() + GRACE_SECONDS
        while os.waitpid(self._pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
                return
            time.sleep(0.001)


def _other_threads() -> bool:
    """Is another thread running? Forking then is unsafe: the child gets every lock the other
    thread held at that moment, held forever (an import lock, a logging handler's)."""
    return threading.active_count() > 1


def _prepare_until_stopped(tasks: Sequence[Task], settings: Settings, digest: str, stop: int, spool: int) -> None:
    """The child's whole life: prepare policy after policy until told to stop, then exit at once
    (no exit handlers, no flushing of the parent's buffers, which are the parent's to write)."""
    status = 0
    try:
        from checker.run.tasks import Outcome, prepare

        written = 0
        for task in tasks:
            if select.select([stop], [], [], 0)[0] or written >= MAX_BYTES:
                break
            step = prepare(task, settings, digest)
            data = pickle.dumps(step, protocol=pickle.HIGHEST_PROTOCOL)
            tag = OUTCOME if isinstance(step, Outcome) else PREPARED
            written += _write_all(spool, _HEADER.pack(tag, len(data)) + data)
    except BaseException:  # noqa: BLE001 - whatever happens, the child must not return into the parent's code
        status = 1
    finally:
        os._exit(status)


def _write_all(fd: int, data: bytes) -> int:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    return len(data)


def _records(spooled: bytes) -> list[Record]:
    """The complete records in the spool (a killed child may have left half of the last one)."""
    records: list[Record] = []
    at = 0
    while at + _HEADER.size <= len(spooled):
        tag, size = _HEADER.unpack_from(spooled, at)
        start = at + _HEADER.size
        if tag not in (OUTCOME, PREPARED) or start + size > len(spooled):
            break
        records.append(Record(tag, spooled[start:start + size]))
        at = start + size
    return records
