"""Small ORM fixtures shared by the server-side tests."""

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from pytest_django.fixtures import validate_django_db

from readings.models import Contrast, Paper, Passage, Section, Stance, Theme


@pytest.fixture
def official_paper(db):
    return Paper.objects.create(slug="official", title="An Official Paper", title_supplied=True, stance=Stance.OFFICIAL)


@pytest.fixture
def critical_paper(db):
    return Paper.objects.create(
        slug="critical", title="A Critical Paper", authors="A. Critic", year=2015, stance=Stance.CRITICAL
    )


def make_passages(paper, count=2, key="intro"):
    section = Section.objects.create(paper=paper, key=key, title="Introduction", ordinal=1)
    return [
        Passage.objects.create(section=section, ordinal=i, text=f"{paper.title} passage {i}.")
        for i in range(1, count + 1)
    ]


@pytest.fixture
def official_passage(official_paper):
    return make_passages(official_paper)[0]


@pytest.fixture
def critical_passage(critical_paper):
    return make_passages(critical_paper)[0]


@pytest.fixture
def theme(db):
    return Theme.objects.create(
        slug="definitions",
        title="Definitions",
        question="What is it?",
        order=1,
        introduction="An *intro*.",
        is_published=True,
    )


@pytest.fixture
def contrast(theme, official_passage, critical_passage):
    contrast = Contrast.objects.create(
        theme=theme, order=1, title="Two views", commentary="They differ.", is_published=True
    )
    contrast.set_sides([official_passage], [critical_passage])
    return contrast


@pytest.fixture
def three_passages(theme, official_paper, critical_paper):
    """Culture and security on both sides of a contrast, and a passage in Chinese: enough for search to find."""
    official = Section.objects.create(paper=official_paper, key="body", title="Body", ordinal=1)
    critical = Section.objects.create(paper=critical_paper, key="body", title="Body", ordinal=1)
    passages = [
        official.passages.create(
            ordinal=1, text="Cultural security guards national culture, the source of soft power."
        ),
        critical.passages.create(
            ordinal=1, text="Critics ask whether culture, or a café, is a matter of state security."
        ),
        official.passages.create(ordinal=2, lang="zh", text="文化软实力是国家软实力的重要组成部分。"),
    ]
    contrast = Contrast.objects.create(
        theme=theme, order=1, title="Culture and security", commentary="Two views.", is_published=True
    )
    contrast.set_sides(passages[:1], passages[1:2])
    return passages


@pytest.fixture(scope="session")
def corpus_by_pk(django_db_setup, django_db_blocker, tmp_path_factory):
    """The shipped fixtures, loaded once through their natural keys and saved again by primary key.

    Natural keys cost a lookup per object; loading by primary key makes the per-test load cheap.
    """
    path = tmp_path_factory.mktemp("corpus") / "corpus-by-pk.json"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "corpus", "themes", verbosity=0)
        call_command("dumpdata", "readings", output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path


# The shipped corpus is loaded once, inside a transaction that is never committed, and each test
# that reads it runs in a savepoint inside that transaction (pytest-django's `db` opens one when
# it finds a transaction already open), rolled back after the test. Tests that commit
# (`transactional_db`, `live_server`) cannot run inside it, and tests without the corpus must not
# see it: the transaction is rolled back before any test that does not share the corpus, and the
# corpus loaded again for the next one that does. pytest_collection_modifyitems runs the sharing
# tests last, so in a whole run it is loaded once and rolled back once.


def is_transactional(item):
    """pytest-django's own rule for a test that commits (TransactionTestCase) rather than rolls back."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transactional, reset_sequences, *_ = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


def shares_the_corpus(item):
    return "corpus" in getattr(item, "fixturenames", ()) and not is_transactional(item)


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering (plain database tests, then committing ones)
def pytest_collection_modifyitems(items):
    items.sort(key=shares_the_corpus)  # stable: the order within each group stays as it was


class SharedCorpus:
    """The shipped corpus in an open, never-committed transaction on the default database."""

    def __init__(self, path, django_db_blocker):
        self.path = path
        self.blocker = django_db_blocker
        self.connection = None
        self.atomic = None

    def want(self, loaded):
        if loaded == (self.atomic is not None):
            return
        with self.blocker.unblock():
            if loaded:
                self.connection = connections[DEFAULT_DB_ALIAS]
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                call_command("loaddata", str(self.path), verbosity=0)
            else:
                self.roll_back()

    def roll_back(self):
        # Django keeps a connection per context, and Playwright's sync API (the browser tests)
        # runs what follows its start in a context of its own: roll back on the connection that
        # holds the transaction, even when the browser closed in between, and close it, as no
        # test may come back to that context to do so (PostgreSQL then could not drop the test
        # database; an in-memory SQLite database ignores the close).
        current = connections[DEFAULT_DB_ALIAS]
        connections[DEFAULT_DB_ALIAS] = self.connection
        try:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
            self.connection.close()
        finally:
            connections[DEFAULT_DB_ALIAS] = current
            self.connection = self.atomic = None


SHARES_THE_CORPUS = pytest.StashKey[bool]()
SHARED_CORPUS = pytest.StashKey[SharedCorpus]()


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures: its savepoint must open inside the load
def pytest_runtest_setup(item):
    item.config.stash[SHARES_THE_CORPUS] = shares_the_corpus(item)
    if SHARED_CORPUS in item.config.stash:
        item.config.stash[SHARED_CORPUS].want(item.config.stash[SHARES_THE_CORPUS])


@pytest.fixture(scope="session")
def shared_corpus(request, django_db_setup, django_db_blocker, corpus_by_pk):
    # Session fixtures are set up before the test's `db`; from then on pytest_runtest_setup keeps it right.
    shared = SharedCorpus(corpus_by_pk, django_db_blocker)
    shared.want(request.config.stash[SHARES_THE_CORPUS])
    request.config.stash[SHARED_CORPUS] = shared
    yield shared
    del request.config.stash[SHARED_CORPUS]
    shared.want(False)


@pytest.fixture
def corpus(db, shared_corpus, corpus_by_pk):
    """The shipped corpus and starter themes, as `make setup` loads them.

    Shared and rolled back per test; a test that commits gets its own load, flushed after it.
    """
    if shared_corpus.atomic is None:
        call_command("loaddata", str(corpus_by_pk), verbosity=0)


@pytest.fixture(autouse=True)
def fresh_indexes(settings):
    """Each test starts as a new worker, holding no index, and rebuilds a stale one in the caller.

    A rollback brings an earlier text version back with other rows, so nothing is kept from one
    test to the next; and a test sees its own (committed) edits at once. The background rebuild
    has tests of its own (tests/test_indexes.py).
    """
    from readings.analysis import store

    settings.READING_ROOM_INDEX_REFRESH = "inline"
    store.forget()


PASSWORD = "a-long-password-for-tests-1"


def member(django_user_model, seminar, username, role="student"):
    from readings.models import Membership

    user = django_user_model.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(seminar=seminar, user=user, role=role)
    return django_user_model.objects.get(pk=user.pk)  # fresh: groups and is_staff as the signal set them


@pytest.fixture
def seminar(db):
    from readings.models import Seminar

    return Seminar.objects.create(slug="spring", name="Spring seminar")


@pytest.fixture
def other_seminar(db):
    from readings.models import Seminar

    return Seminar.objects.create(slug="autumn", name="Autumn seminar")


@pytest.fixture
def student(django_user_model, seminar):
    return member(django_user_model, seminar, "student")


@pytest.fixture
def classmate(django_user_model, seminar):
    return member(django_user_model, seminar, "classmate")


@pytest.fixture
def outsider(django_user_model, other_seminar):
    return member(django_user_model, other_seminar, "outsider")


@pytest.fixture
def instructor(django_user_model, seminar):
    return member(django_user_model, seminar, "instructor", role="instructor")


@pytest.fixture
def admin_user_(django_user_model):
    return django_user_model.objects.create_superuser("admin", password=PASSWORD)


@pytest.fixture
def editor(django_user_model):
    """Staff by hand, not by a seminar role: an editor who corrects texts, kept in the Editors group."""
    from django.contrib.auth.models import Group, Permission

    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_passage", "change_passage"]))
    return user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Password hashing is slow by design; the tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Tests see pages as rendered (and their queries), and searches made; tests of the caches turn them on."""
    from django.core.cache import caches

    settings.READING_ROOM_PAGE_CACHE = False
    settings.READING_ROOM_SEARCH_CACHE = False
    caches["pages"].clear()
    caches["search"].clear()
    yield
    caches["pages"].clear()
    caches["search"].clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests run on a file, as the app does, not in memory.

    In-memory SQLite shares one cache between connections, whose table locks fail at once
    instead of waiting: requests from several threads (the parallel sign-in test) would see
    "database table is locked" errors the app never sees. Measured on test_search and
    test_views, the file costs no more CPU time.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def static_files_found_per_request():
    """The test client builds the middleware again for every test, and WhiteNoise, with DEBUG off, lists
    and stats every file in STATIC_ROOT as it is built (about 10 ms, some 300 times a run). Tests fetch
    almost no static file: WhiteNoise's development mode looks each one up when it is asked for instead.
    """
    from django.test import override_settings

    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


def make_note(author, passage, body="A note.", *, seminar=None, parent=None, tags=(), quote="", **fields):
    """An annotation (or, with a parent, a reply) saved as the views save one: shared when a seminar is given."""
    from readings.models import Annotation

    if parent is not None:
        seminar = parent.seminar
    annotation = Annotation.objects.create(
        passage=passage,
        author=author,
        parent=parent,
        seminar=seminar,
        visibility=Annotation.Visibility.SEMINAR if seminar else Annotation.Visibility.PRIVATE,
        body=body,
        quote=quote,
        **fields,
    )
    annotation.set_tags(tags)
    return annotation


@pytest.fixture
def note(db):
    """make_note: an annotation or reply, with tags, as the views save one."""
    return make_note


@pytest.fixture(scope="session")
def paper_pdf():
    """A paper printed to PDF by headless Chromium (tests/pdfs.py), once per session.

    Without Chromium or Playwright the tests that need it skip; with CI=true they fail instead,
    as the browser suite does.
    """
    import importlib.util
    import os
    from pathlib import Path

    from tests import pdfs

    if not Path("/usr/bin/chromium").exists() or importlib.util.find_spec("playwright") is None:
        reason = "printing a PDF needs /usr/bin/chromium and the playwright package"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. CI=true: these tests must run, not skip.", pytrace=False)
        pytest.skip(reason)
    return pdfs.build_paper_pdf()


@pytest.fixture
def infiltration_texts(official_paper, critical_paper):
    """Two official and three critical passages by paper slug, the first of each stance about cultural infiltration."""
    o = Section.objects.create(paper=official_paper, key="body", title="Body", ordinal=1)
    c = Section.objects.create(paper=critical_paper, key="body", title="Body", ordinal=1)
    items = {
        o: [
            "Cultural infiltration by hostile Western forces threatens our cultural security and sovereignty.",
            "Confucius Institutes have made an important contribution to spreading the Chinese language abroad.",
        ],
        c: [
            "Chinese analysts describe cultural infiltration as a threat to cultural security and sovereignty.",
            "Confucius Institutes are the best known platforms for teaching the Chinese language abroad.",
            "The Soft Power 30 ranking placed China 27th in 2019, a drop in international trust.",
        ],
    }
    return {
        section.paper.slug: [Passage.objects.create(section=section, ordinal=n, text=t) for n, t in enumerate(ts, 1)]
        for section, ts in items.items()
    }
