"""Backup and restore: everything comes back, and a bad backup changes nothing."""

import io
import stat

import pytest
from django.core.management import CommandError, call_command

from readings.models import Annotation, Membership, Paper, Passage, Theme

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


def test_backup_is_readable_only_by_its_owner(tmp_path, official_paper, student):
    path = tmp_path / "b.json"
    # Left over from an interrupted run: the backup must not inherit its mode.
    (tmp_path / "b.json.partial").write_text("")
    (tmp_path / "b.json.partial").chmod(0o644)
    quiet("backup", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
