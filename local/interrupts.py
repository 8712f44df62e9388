"""Ctrl+C and SIGTERM for `make run`: a signal only records itself; the main thread does the stopping.

A Python signal handler runs on the main thread between two bytecodes, wherever it is, and a second signal can run
it again inside the first: a handler that called `threading.Event.set` took the event's (non-reentrant) lock, so a
second Ctrl+C arriving while the lock was held (in the first handler, or in the main thread's own `wait`/`set`)
waited on the main thread itself, forever. Here the handler takes no lock and does no I/O; `signal.set_wakeup_fd`
wakes the main thread's `select` at once, and the main thread sets the event the other threads wait on.
"""

from __future__ import annotations

import select
import signal
import socket
import threading
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """Turns SIGINT/SIGTERM into `stop` being set, by the main thread; later signals change nothing."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.received = 0  # signals seen; written by the handler only, read by the main thread
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)

    def install(self) -> None:
        """Handle the signals from now on (on the main thread, as `signal` requires)."""
        signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for signum in SIGNALS:
            signal.signal(signum, self._record)

    def _record(self, signum: int, frame: FrameType | None) -> None:
        self.received += 1  # no lock, no print: this may run inside itself or inside any lock the main thread holds

    def wait(self, seconds: float) -> bool:
        """Sleep until a signal or `seconds` pass; True once the stack is to stop (and `stop` is then set)."""
        if not self.received and not self.stop.is_set():
            select.select([self._reader], [], [], seconds)
            try:
                while self._reader.recv(512):
                    pass
            except BlockingIOError:
                pass
        if self.received:
            self.stop.set()
        return self.stop.is_set()

    def ignore(self) -> None:
        """Ignore further signals once all is stopped and saved (at exit Python restores the default handler)."""
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        signal.set_wakeup_fd(-1)
        self._reader.close()
        self._writer.close()
