"""Wake-ups for the embedded store: a put in one process wakes the pollers of the others at once.

Every process that has subscribers on a SQLite file binds a Unix datagram socket in a directory
beside it (``state.db.wake/``; under the temporary directory when that path would be too long
for a socket address). After each commit, a writer sends one byte to every socket there. The
byte carries nothing: the woken poller reads the change from the database as before, so a lost,
late or forged datagram costs at most one extra look, and polling stays as the fallback for
writers that do not send (an older dash, a file on a network share). A socket left by a process
that died refuses the datagram and is removed by the writer that found it. Sockets get the
permissions of the umask, as the database file does: whoever may write the store may wake it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import logging
import os
import secrets
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# sun_path holds 108 bytes on Linux, 104 on the BSDs and macOS; leave room for the file name.
_MAX_DIR = 80
_SUFFIX = ".sock"


def wake_dir(db_path: Path) -> Path:
    """The directory of the wake-up sockets of the database at ``db_path``."""
    beside = db_path.parent.resolve() / f"{db_path.name}.wake"
    if len(os.fsencode(beside)) <= _MAX_DIR:
        return beside
    digest = hashlib.sha256(os.fsencode(beside)).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"dash-wake-{os.getuid()}-{digest}"


class WakeListener:
    """This process's socket in the wake directory; ``on_wake`` runs on the event loop."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / f"{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}"
        self._sock: socket.socket | None = None

    def start(self, loop: asyncio.AbstractEventLoop, on_wake: Callable[[], None]) -> bool:
        """Bind and watch the socket; False (logged at debug) when it cannot be made."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        except OSError as exc:
            log.debug("no wake-up socket in %s: %s", self.directory, exc.strerror or exc)
            return False
        try:
            sock.setblocking(False)
            sock.bind(os.fspath(self.path))
        except OSError as exc:
            sock.close()
            log.debug("no wake-up socket at %s: %s", self.path, exc.strerror or exc)
            return False
        self._sock = sock

        def drain() -> None:
            with contextlib.suppress(OSError):
                while sock.recv(64):
                    pass
            on_wake()

        loop.add_reader(sock.fileno(), drain)
        return True

    def stop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Stop watching, close and remove the socket (idempotent)."""
        sock, self._sock = self._sock, None
        if sock is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closing already
            loop.remove_reader(sock.fileno())
        sock.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


class WakeSender:
    """Sends the wake-up byte to every listener of one database (called after each commit)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._sock: socket.socket | None = None

    def notify(self) -> None:
        """Wake every listener; never raises (a missed wake-up leaves the poll to catch up)."""
        try:
            entries = [entry.path for entry in os.scandir(self.directory)
                       if entry.name.endswith(_SUFFIX)]
        except OSError:
            return  # no directory: no process is listening
        if not entries:
            return
        if self._sock is None:
            try:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._sock.setblocking(False)
            except OSError:
                return
        for path in entries:
            try:
                self._sock.sendto(b"!", path)
            except OSError as exc:
                if exc.errno in (errno.ECONNREFUSED, errno.ENOTSOCK):
                    # Nobody is bound there any more: a process that died without cleaning up.
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                # EAGAIN: its queue is full, so it is awake already; EACCES/ENOENT: not ours or
                # gone. Either way the poll still covers it.

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()
