"""The term and counterpoint indexes off the request path: stored per text version, loaded per process, rebuilt in the background.

`manage.py build_indexes` builds every index for the current text version and stores it in the
database (StoredIndex: a zlib-compressed pickle), where every worker of every app server finds
it. A worker loads an index the first time a page asks for it. When a text edit raises the text
version, the next request that asks is answered from the index the worker holds, and starts one
background thread in that worker; the thread takes the build lock (PostgreSQL's
pg_try_advisory_lock, or an flock beside the SQLite file), loads the new index if another process
has stored it already, or builds and stores it, then swaps it in. Until then `status()` says the
suggestions are being refreshed, and pages say so. No request builds an index, except when none
is stored at all and the corpus is small enough to build at once (READING_ROOM_INDEX_INLINE_PASSAGES).
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import logging
import os
import pickle
import tempfile
import threading
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

FRESH, REFRESHING, PREPARING = "fresh", "refreshing", "preparing"
# Not a text version: a database where no passage was ever saved is at version 0, with a real index.
EMPTY = -1
# Any constant shared by every process that builds: pg_try_advisory_lock's key.
ADVISORY_LOCK_KEY = 0x50F7_1DE7
POLL_SECONDS = 1.0  # how often a waiting refresher tries the lock again
RETRY_AFTER_FAILURE_SECONDS = 30
COMPRESS_LEVEL = 1  # the blob is mostly distinct text: higher levels cost seconds and save little


@dataclass(frozen=True)
class Kind:
    build: Callable[[int], object]  # text version -> index, reading the database
    empty: Callable[[int], object]  # an index over nothing, served while the first one is prepared


def kinds() -> dict[str, Kind]:
    from readings import counterpoints, term_index

    return {
        "terms": Kind(build=term_index.build, empty=term_index.empty),
        "counterpoints": Kind(build=lambda version: counterpoints.build_index(), empty=counterpoints.empty_index),
    }


_code: str | None = None


def code_fingerprint() -> str:
    """A digest of the modules whose classes are pickled: a stored index is only loaded by the code that built it."""
    global _code
    if _code is None:
        here = Path(__file__).resolve().parent
        readings = here.parent
        files = sorted(here.glob("*.py")) + [
            readings / name for name in ("terms.py", "term_index.py", "counterpoints.py")
        ]
        digest = hashlib.sha256()
        for path in files:
            if path.name != "store.py" and path.exists():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _code = digest.hexdigest()[:32]
    return _code


# ---------------------------------------------------------------------------------------------
# The database: what is stored, and the lock that lets one process build at a time.


def current_text_version() -> int:
    from readings.models import TextVersion

    return TextVersion.current()


def dumps(index) -> bytes:
    return zlib.compress(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL), COMPRESS_LEVEL)


def loads(data) -> object:
    raw = zlib.decompress(data)
    # Hundreds of thousands of new objects would set off the cyclic collector again and again,
    # for nothing (they are all live): about 40% of the unpickling time at 1,000 papers.
    gc.disable()
    try:
        return pickle.loads(raw)
    finally:
        gc.enable()


def load_stored(kind: str, version: int | None = None) -> tuple[int, object] | None:
    """(version, index) of the newest stored index of this kind (of exactly `version` if given); one query."""
    from readings.models import StoredIndex

    rows = StoredIndex.objects.filter(kind=kind, code=code_fingerprint())
    if version is not None:
        rows = rows.filter(version=version)
    row = rows.order_by("-version").values_list("version", "data").first()
    if row is None:
        return None
    return row[0], loads(row[1])


def is_stored(kind: str, version: int) -> bool:
    from readings.models import StoredIndex

    return StoredIndex.objects.filter(kind=kind, version=version, code=code_fingerprint()).exists()


def store(kind: str, version: int, index, seconds: float) -> int:
    """Store an index for a text version; returns the bytes stored."""
    return _store_blob(kind, version, dumps(index), seconds)


def _store_blob(kind: str, version: int, data: bytes, seconds: float) -> int:
    from readings.models import StoredIndex

    StoredIndex.objects.update_or_create(
        kind=kind,
        version=version,
        code=code_fingerprint(),
        defaults={"data": data, "size": len(data), "build_seconds": round(seconds, 3)},
    )
    return len(data)


def prune(version: int) -> None:
    """Drop what no worker should load any more: older indexes, and those another release's code built."""
    from django.db.models import Q

    from readings.models import StoredIndex

    StoredIndex.objects.filter(Q(version__lt=version) | ~Q(code=code_fingerprint())).delete()


def _lock_path(settings_dict) -> Path:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        # A test database lives in this process only, and each test process has its own.
        digest = hashlib.sha256(f"{os.getpid()}:{name}".encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"softpower-indexes-{digest}.lock"
    return Path(name).with_name(Path(name).name + ".indexes.lock")


@contextmanager
def build_lock(using: str = DEFAULT_DB_ALIAS):
    """Yields whether this thread holds the build lock; never waits for it.

    PostgreSQL: a session advisory lock, shared by every app server on the database and let go
    if the process dies. SQLite (one machine): an flock on a file beside the database, let go
    the same way.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    with open(_lock_path(connection.settings_dict), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def waiting_build_lock(timeout: float | None = None):
    """The build lock, waited for: the command's way, as another process may be building."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with build_lock() as held:
            if held:
                yield
                return
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError("another process holds the index build lock")
        time.sleep(POLL_SECONDS)


def build_missing(version: int, load: frozenset[str] = frozenset(), force: bool = False, report=None) -> dict:
    """Store every kind of index for `version` that is not stored yet; call it holding the build lock.

    Returns the indexes named in `load`, stored or just built, for this process to keep.
    """
    loaded = {}
    for kind, spec in kinds().items():
        found = None if force else (load_stored(kind, version) if kind in load else is_stored(kind, version))
        if found:
            if kind in load:
                loaded[kind] = found[1]
            if report:
                report(f"{kind}: already stored for text version {version}")
            continue
        started = time.perf_counter()
        index = spec.build(version)
        seconds = time.perf_counter() - started
        size = store(kind, version, index, seconds)
        if report:
            report(f"{kind}: built for text version {version} in {seconds:.1f} s, {size / 2**20:.1f} MB stored")
        if kind in load:
            loaded[kind] = index
        del index
    prune(version)
    return loaded


# ---------------------------------------------------------------------------------------------
# This process: the indexes it holds, and the one thread that brings them up to date.


@dataclass(frozen=True)
class Held:
    version: int  # EMPTY for the empty index served while the first one is prepared
    index: object


_state = threading.Lock()
_held: dict[str, Held] = {}
_loading = {name: threading.Lock() for name in ("terms", "counterpoints")}
_latest_seen = 0  # the newest text version a request has read
_refresher: threading.Thread | None = None
_generation = 0  # raised by forget(): a refresher of an earlier generation stops
_failed_at = 0.0


def get(kind: str):
    """The index of this kind to answer a request with, never built here (but see the module docstring).

    One query when it is current: the text version. A new worker loads the newest stored index
    (one more query); a stale one is served while the refresher works.
    """
    global _latest_seen
    version = current_text_version()
    _latest_seen = max(_latest_seen, version)
    held = _held.get(kind)
    if held is not None and held.version == version:
        return held.index
    with _loading.setdefault(kind, threading.Lock()):
        held = _held.get(kind)
        if held is None:
            found = load_stored(kind)
            if found is not None:
                held = _held[kind] = Held(*found)
        if held is not None and held.version == version:
            return held.index
        if settings.READING_ROOM_INDEX_REFRESH == "inline" or (held is None and _small_corpus()):
            return _build_here(kind, version).index
        if held is None:
            held = _held[kind] = Held(EMPTY, kinds()[kind].empty(version))
    start_refresher()
    return held.index


def _small_corpus() -> bool:
    from readings.models import Passage

    return Passage.objects.count() <= settings.READING_ROOM_INDEX_INLINE_PASSAGES


def _build_here(kind: str, version: int) -> Held:
    """Build in the calling thread: for tests, scripts, and a small corpus nobody has built yet."""
    started = time.perf_counter()
    index = kinds()[kind].build(version)
    store(kind, version, index, time.perf_counter() - started)
    held = _held[kind] = Held(version, index)
    return held


def status(kind: str) -> str:
    """FRESH, REFRESHING (an older index is served) or PREPARING (none yet); no query, as of the last get()."""
    held = _held.get(kind)
    if held is None or held.version == EMPTY:
        return PREPARING
    return FRESH if held.version >= _latest_seen else REFRESHING


def start_refresher() -> None:
    global _refresher
    if settings.READING_ROOM_INDEX_REFRESH != "background":
        return
    with _state:
        if _refresher is not None and _refresher.is_alive():
            return
        if time.monotonic() - _failed_at < RETRY_AFTER_FAILURE_SECONDS:
            return
        _refresher = threading.Thread(target=_refresh, args=(_generation,), name="index-refresher", daemon=True)
        _refresher.start()


def _refresh(generation: int) -> None:
    """Wait for the build lock, then load or build every index this process holds for the current version."""
    global _failed_at
    try:
        while generation == _generation:
            with build_lock() as held:
                if held and generation == _generation:
                    version = current_text_version()
                    fresh = build_missing(version, load=frozenset(_held))
                    with _state:
                        if generation == _generation:
                            _held.update({kind: Held(version, index) for kind, index in fresh.items()})
                    if current_text_version() == version:
                        return
                    continue  # another edit came in while building
            time.sleep(POLL_SECONDS)
    except Exception:
        _failed_at = time.monotonic()
        logger.exception("refreshing the text indexes failed; requests keep the indexes they have")
    finally:
        connections.close_all()  # this thread's own connections


def join_refresher(timeout: float | None = None) -> None:
    refresher = _refresher
    if refresher is not None:
        refresher.join(timeout)


def forget(kind: str | None = None) -> None:
    """Drop what this process holds (one kind, or all) and stop its refresher: as a newly started worker."""
    global _generation, _latest_seen, _failed_at
    with _state:
        _generation += 1
        _failed_at = 0.0
        if kind is None:
            _held.clear()
            _latest_seen = 0
        else:
            _held.pop(kind, None)


def note_served(request, kind: str) -> str:
    """The status of the index a page was just answered from; a page from a stale one is not kept in the page cache.

    Its cache key holds the content version, which the rebuild does not raise: kept, the
    "being refreshed" page would outlive the refresh.
    """
    served = status(kind)
    if served != FRESH and request is not None:
        request.served_stale_index = True
    return served


# What an index answered, per index: its answers depend on the texts it was built from only, so
# they stay right until the index is replaced, through any theme or annotation edit (which
# empties the page cache). Bounded, least recently used first out.
REMEMBERED_PER_INDEX = 5000
_remembered: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_remembered_lock = threading.Lock()


def remembered(index, key, compute: Callable[[], object]):
    """compute() for this index and key, computed once while the index is held."""
    with _remembered_lock:
        answers = _remembered.setdefault(index, OrderedDict())
        if key in answers:
            answers.move_to_end(key)
            return answers[key]
    answer = compute()
    with _remembered_lock:
        answers[key] = answer
        while len(answers) > REMEMBERED_PER_INDEX:
            answers.popitem(last=False)
    return answer
