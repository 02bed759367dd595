"""The embedded store: one SQLite file in WAL mode, shared by every ``dash`` process of a machine.

Two tables: ``state`` (the latest envelope per type) and ``log`` (a capped replay log keyed by
``seq``), plus the ``seq`` counter in ``meta``; a put is one ``BEGIN IMMEDIATE`` transaction over
all three. Every sqlite3 call runs on one worker thread, so the event loop never blocks on disk.
Updates reach subscribers through one poller per process: it runs only while there are
subscribers and checks ``PRAGMA data_version`` (a counter SQLite bumps when another connection
commits) when woken: at once after a put of this process, when a put of another process sends a
datagram to its wake-up socket (:mod:`dashcli.store.wakeup`), so a ``dash publish`` reaches
``dash serve`` in milliseconds, and every ``poll_interval`` seconds as the fallback (1 s with a
wake-up socket, 0.15 s without one).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TypeVar

from dashcli.core import jsonlimits
from dashcli.core.envelope import EnvelopeError, Update
from dashcli.logs import RateLimitedLog
from dashcli.store.base import REPLAY_LOG_SIZE, Fanout, StoreError, Subscription
from dashcli.store.wakeup import WakeListener, WakeSender, wake_dir

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_INTERVAL = 0.15
# With a wake-up socket the poll only catches writers that send no wake-up: it can be slow.
WAKE_POLL_INTERVAL = 1.0
BUSY_TIMEOUT_MS = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS state (type TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', 0);
"""


def default_path() -> Path:
    """Where ``embedded`` keeps its file: the user's state directory (XDG on Linux)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("dash")) / "state.db"


def path_from_url(url: str) -> Path:
    """The file of ``embedded`` or ``sqlite:///path`` (``sqlite:///~/x.db`` expands ``~``)."""
    if url == "embedded":
        return default_path()
    rest = url.removeprefix("sqlite://")
    if rest.startswith("/~"):
        rest = rest[1:]
    if not rest or rest == "/":
        raise StoreError(f"store {url!r}: no file path (use sqlite:///path/to/state.db)")
    return Path(rest).expanduser()


class SqliteStore:
    """The embedded backend (``embedded``, ``sqlite:///path``)."""

    def __init__(
        self,
        path: Path,
        *,
        replay_size: int = REPLAY_LOG_SIZE,
        poll_interval: float | None = None,
        label: str | None = None,
    ) -> None:
        self.path = path
        self._label = label or f"sqlite://{path}"
        self._replay_size = replay_size
        self._poll_interval = poll_interval
        self._wake_dir = wake_dir(path)
        self._sender = WakeSender(self._wake_dir)
        self._executor: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None
        self._file: tuple[int, int] | None = None
        self._fanout = Fanout(listener=self._poll)
        self._data_version = 0
        # Set by a put of this process so the poller looks at once, not at its next tick.
        self._forced = False
        self._waiter: asyncio.Future[None] | None = None
        self._complaints = RateLimitedLog(log)

    @property
    def name(self) -> str:
        return self._label

    async def open(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dash-sqlite")
        self._fanout.known_seq = await self._run(self._open_db)

    async def close(self) -> None:
        await self._fanout.close()
        if self._executor is None:
            return
        if self._db is not None:
            await self._run(self._db.close)
            self._db = None
        self._executor.shutdown(wait=True)
        self._executor = None
        self._sender.close()

    async def put(self, update: Update) -> Update:
        body = update.admit().to_dict()
        seq = await self._run(lambda: self._put(update.type, body))
        self._fanout.known_seq = max(self._fanout.known_seq, seq)
        self._forced = True
        self._wake()
        return update.with_seq(seq)

    async def get(self, kind: str) -> Update | None:
        rows = await self._run(lambda: self._query("SELECT body FROM state WHERE type = ?", kind))
        return next(iter(self._decode(rows)), None)

    async def snapshot(self) -> dict[str, Update]:
        rows = await self._run(lambda: self._query("SELECT body FROM state ORDER BY type"))
        return {update.type: update for update in self._decode(rows)}

    def subscribe(self) -> Subscription:
        return self._fanout.subscribe()

    async def since(self, seq: int) -> list[Update] | None:
        current, oldest, rows = await self._run(lambda: self._since(seq))
        if seq >= current:
            return []
        if oldest is None or oldest > seq + 1:
            return None
        return self._decode(rows)

    async def ping(self) -> bool:
        try:
            # /readyz: a deleted or replaced file is not ready, though SELECT 1 still answers.
            await self._run(self._alive)
        except StoreError:
            return False
        return True

    # -- the worker thread ---------------------------------------------------------------

    async def _run(self, call: Callable[[], T]) -> T:
        if self._executor is None:
            raise StoreError(f"store {self.name}: not open")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, call)
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.name}: {exc}") from None

    def _open_db(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise sqlite3.OperationalError(
                f"cannot create {self.path.parent}: {exc.strerror}"
            ) from None
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            seq: int = db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0]
        except sqlite3.Error:
            db.close()
            raise
        self._db = db
        self._file = _identity(self.path)
        self._data_version = self._version()
        return seq

    def _check_file(self) -> None:
        """Refuse to write when the file was deleted or replaced under this process: the open
        connection would write into an unlinked inode no other process reads."""
        if _identity(self.path) != self._file:
            raise sqlite3.OperationalError(
                f"{self.path} was deleted or replaced while open; restart to use the new file"
            )

    def _alive(self) -> None:
        self._check_file()
        self._query("SELECT 1")

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise sqlite3.OperationalError("database is not open")
        return self._db

    def _query(self, sql: str, *params: object) -> list[str]:
        return [row[0] for row in self._connection().execute(sql, params)]

    def _version(self) -> int:
        version: int = self._connection().execute("PRAGMA data_version").fetchone()[0]
        return version

    def _put(self, kind: str, body: dict[str, object]) -> int:
        db = self._connection()
        self._check_file()
        db.execute("BEGIN IMMEDIATE")
        try:
            seq: int = db.execute(
                "UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value"
            ).fetchone()[0]
            text = jsonlimits.dumps({**body, "seq": seq})
            db.execute(
                "INSERT INTO state (type, seq, body) VALUES (?, ?, ?) "
                "ON CONFLICT (type) DO UPDATE SET seq = excluded.seq, body = excluded.body",
                (kind, seq, text),
            )
            db.execute("INSERT INTO log (seq, body) VALUES (?, ?)", (seq, text))
            db.execute("DELETE FROM log WHERE seq <= ?", (seq - self._replay_size,))
            db.execute("COMMIT")
        except BaseException:
            # SQLite already rolled back after some errors (a full disk): a second ROLLBACK
            # would replace the real reason with "no transaction is active".
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._sender.notify()
        return seq

    def _since(self, seq: int) -> tuple[int, int | None, list[str]]:
        db = self._connection()
        db.execute("BEGIN")
        try:
            current: int = db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0]
            oldest: int | None = db.execute("SELECT min(seq) FROM log").fetchone()[0]
            rows = self._query("SELECT body FROM log WHERE seq > ? ORDER BY seq", seq)
        finally:
            db.execute("COMMIT")
        return current, oldest, rows

    def _changes(self, after: int, forced: bool) -> list[str]:
        """Log rows after ``after`` when the file changed since the last look (else nothing)."""
        version = self._version()
        if not forced and version == self._data_version:
            return []
        self._data_version = version
        return self._query("SELECT body FROM log WHERE seq > ? ORDER BY seq", after)

    # -- the poller ----------------------------------------------------------------------

    def _decode(self, rows: list[str]) -> list[Update]:
        updates = []
        for body in rows:
            try:
                updates.append(Update.from_json(body))
            except EnvelopeError as exc:
                self._complaints.warning("row", f"store {self.name}: skipped a corrupt row: {exc}")
        return updates

    def _woken(self) -> None:
        # Marked, not only woken: a datagram that arrives while the poller is reading must
        # make it read again rather than wait for the next poll.
        self._forced = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        listener = WakeListener(self._wake_dir)
        listening = listener.start(loop, self._woken)
        interval = self._poll_interval
        if interval is None:
            interval = WAKE_POLL_INTERVAL if listening else POLL_INTERVAL
        try:
            await self._poll_loop(interval)
        finally:
            listener.stop(loop)

    async def _poll_loop(self, interval: float) -> None:
        while True:
            if not self._forced:
                # asyncio.wait leaves the future alone on timeout (Python 3.11's wait_for can
                # hang a cancelled task that races its timeout).
                self._waiter = asyncio.get_running_loop().create_future()
                await asyncio.wait([self._waiter], timeout=interval)
                self._waiter = None
            forced, self._forced = self._forced, False
            try:
                rows = await self._run(partial(self._changes, self._fanout.delivered_seq, forced))
            except StoreError as exc:
                self._complaints.warning("poll", str(exc))
                continue
            for update in self._decode(rows):
                self._fanout.deliver(update)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode (None when it is gone)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino
