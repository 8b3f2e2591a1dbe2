"""Small ORM fixtures shared by the server-side tests."""

import pytest
from django.core.management import call_command
from django.db import transaction

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
        slug="definitions", title="Definitions", question="What is it?", order=1, introduction="An *intro*."
    )


@pytest.fixture
def contrast(theme, official_passage, critical_passage):
    contrast = Contrast.objects.create(theme=theme, order=1, title="Two views", commentary="They differ.")
    contrast.set_sides([official_passage], [critical_passage])
    return contrast


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


@pytest.fixture
def corpus(db, corpus_by_pk):
    """The shipped corpus and starter themes, as `make setup` loads them."""
    call_command("loaddata", str(corpus_by_pk), verbosity=0)


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
    """Tests see pages as rendered (and their queries); tests of the page cache turn it on."""
    from django.core.cache import caches

    settings.READING_ROOM_PAGE_CACHE = False
    caches["pages"].clear()
    yield
    caches["pages"].clear()


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
