"""Backup and restore: everything comes back, and a bad backup changes nothing."""

import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command

from readings.models import Annotation, Membership, Paper, Passage, Seminar, Stance, Theme

pytestmark = pytest.mark.django_db(transaction=True)  # restore flushes, which PostgreSQL cannot do mid-transaction


def quiet(*args, **kwargs):
    call_command(*args, stdout=io.StringIO(), **kwargs)


def test_backup_then_restore_brings_everything_back(corpus, tmp_path, student, seminar):
    passage = Passage.objects.first()
    Annotation.objects.create(passage=passage, author=student, body="Keep me.", visibility="seminar", seminar=seminar)
    backup = tmp_path / "backup.json"
    quiet("backup", str(backup))

    Annotation.objects.all().delete()
    Theme.objects.all().delete()
    quiet("restore", str(backup), "--yes")

    assert Annotation.objects.get().body == "Keep me."
    assert Theme.objects.count() == 10 and Paper.objects.count() == 5
    assert Membership.objects.get().user.username == "student"
    assert Annotation.objects.get().passage.text == passage.text


def test_a_broken_backup_changes_nothing(corpus, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "readings.paper", "fields": {"slug": "x"', encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was changed"):
        quiet("restore", str(broken), "--yes")
    assert Paper.objects.count() == 5 and Theme.objects.count() == 10


def test_backup_refuses_to_overwrite(tmp_path, db):
    existing = tmp_path / "b.json"
    existing.write_text("[]")
    with pytest.raises(CommandError, match="exists"):
        quiet("backup", str(existing))


def snapshot():
    """Every row in the database, as dumpdata writes it: equal snapshots mean nothing changed."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def make_backup(path):
    quiet("backup", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def write(path, document):
    path.write_text(json.dumps(document), encoding="utf-8")


def refused(path, match, *options):
    before = snapshot()
    with pytest.raises(CommandError, match=match):
        quiet("restore", str(path), "--yes", *options)
    assert snapshot() == before


def test_backup_is_readable_only_by_its_owner(tmp_path, official_paper, student):
    path = tmp_path / "b.json"
    # Left over from an interrupted run: the backup must not inherit its mode.
    (tmp_path / "b.json.partial").write_text("")
    (tmp_path / "b.json.partial").chmod(0o644)
    quiet("backup", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("text", ["[]", "{}"])
def test_restore_refuses_an_empty_document(tmp_path, official_paper, student, text):
    empty = tmp_path / "empty.json"
    empty.write_text(text, encoding="utf-8")
    refused(empty, "no softpower-backup header")


def test_restore_refuses_a_fixture_that_is_not_a_backup(tmp_path, official_passage, django_user_model):
    fixture = tmp_path / "readings.json"
    quiet("dumpdata", "readings", output=str(fixture))
    django_user_model.objects.create_user("reader")
    refused(fixture, "no softpower-backup header")


def test_restore_refuses_another_format_version(tmp_path, official_paper, student):
    path = tmp_path / "b.json"
    document = make_backup(path)
    write(path, document | {"version": 2})
    refused(path, "version 2")


def test_restore_refuses_a_truncated_backup(tmp_path, official_passage, student, seminar):
    path = tmp_path / "b.json"
    document = make_backup(path)
    objects = document["objects"]
    write(path, document | {"objects": objects[: len(objects) * 4 // 10]})
    refused(path, "truncated or edited")


def test_restore_refuses_an_edited_backup(tmp_path, official_passage, student, seminar):
    Annotation.objects.create(passage=official_passage, author=student, body="As written.", visibility="private")
    path = tmp_path / "b.json"
    document = make_backup(path)
    annotation = next(o for o in document["objects"] if o["model"] == "readings.annotation")
    annotation["fields"]["body"] = "Edited."
    write(path, document)
    refused(path, "digest")


def test_restore_of_a_backup_without_users_needs_force(tmp_path, official_paper, django_user_model):
    path = tmp_path / "b.json"
    quiet("backup", str(path))
    django_user_model.objects.create_user("newcomer")

    refused(path, "no users")
    quiet("restore", str(path), "--yes", "--force")
    assert not django_user_model.objects.exists() and Paper.objects.get().slug == "official"


def test_restore_refuses_a_backup_without_papers(tmp_path, student):
    path = tmp_path / "b.json"
    quiet("backup", str(path))
    Paper.objects.create(slug="new", title="A New Paper", stance=Stance.OFFICIAL)
    refused(path, "no papers")


def test_rows_added_after_a_restore_get_new_keys(tmp_path, official_paper, student, seminar):
    # Guards restore's own loading: the primary-key sequences (PostgreSQL) must move past restored
    # rows. Seminars are backed up with their keys; papers, having natural keys, are not.
    path = tmp_path / "b.json"
    quiet("backup", str(path))
    quiet("restore", str(path), "--yes")
    assert Seminar.objects.create(slug="later", name="A later seminar").pk > seminar.pk


def test_a_restore_moves_the_text_version_on_and_stores_the_indexes(tmp_path, official_passage, student):
    from readings.models import StoredIndex, TextVersion

    backup = tmp_path / "backup.json"
    quiet("backup", str(backup))
    assert "readings.storedindex" not in json.loads(backup.read_text())["counts"]
    before = TextVersion.current()
    quiet("restore", str(backup), "--yes")
    # Above the version before, though flush emptied its table: no worker mistakes the texts.
    assert TextVersion.current() > before
    assert set(StoredIndex.objects.values_list("kind", "version")) >= {
        ("terms", TextVersion.current()),
        ("counterpoints", TextVersion.current()),
    }
