"""The notebook and a seminar's stream in a browser: filters, downloads, phone width, and axe."""

import csv
import io
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from readings.models import Annotation, Membership, Passage, Role, Seminar

from .test_accessibility import axe_violations, describe

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-notebook-1"


@pytest.fixture
def seminar_notes(site):
    """A seminar with an instructor and two students, and notes on two papers with tags."""
    seminar = Seminar.objects.create(slug="reading-group", name="Reading group")
    users = {}
    for username, role in [("ines", Role.INSTRUCTOR), ("sam", Role.STUDENT), ("cleo", Role.STUDENT)]:
        users[username] = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(seminar=seminar, user=users[username], role=role)
    edney = Passage.objects.filter(paper__slug="edney-2015").select_related("paper", "section").first()
    official = Passage.objects.filter(paper__stance="official").select_related("paper", "section").first()

    def write(author, passage, body, tags, shared=True, parent=None):
        annotation = Annotation.objects.create(
            passage=passage,
            author=users[author],
            parent=parent,
            seminar=seminar if shared else None,
            visibility="seminar" if shared else "private",
            body=body,
            quote=passage.text.split()[0] if parent is None else "",
        )
        annotation.set_tags(tags)
        return annotation

    framing = write("sam", edney, "Sam on **framing** in Edney.", ["framing"])
    write("sam", official, "Sam's private thought on the official text.", ["nye", "private-thought"], shared=False)
    write("sam", official, "=1+1 Sam on the official text, shared.", ["nye"])
    write("cleo", edney, "Cleo on regime security.", ["security"])
    write("ines", official, "Ines: read this against Edney.", ["nye"])
    write("ines", edney, "Ines replies to Sam.", [], parent=framing)
    return seminar


def sign_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={quote(next_url)}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_notebook_filters(request, seminar_notes, screenshot, device):
    page = request.getfixturevalue(device)
    page.goto("/")
    sign_in(page, "sam", "/notebook/")
    notes = page.locator(".workspace-note")
    expect(notes).to_have_count(3)
    screenshot(page, f"notebook-{device}")
    page.get_by_label("Tag", exact=True).select_option("nye")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"tag=nye"))
    expect(notes).to_have_count(2)
    page.get_by_label("Seminar", exact=True).select_option(label="Only me")
    page.get_by_role("button", name="Show").click()
    expect(notes).to_have_count(1)
    expect(notes.first).to_contain_text("Sam's private thought")
    page.get_by_label("Seminar", exact=True).select_option("")
    page.get_by_label("Tag", exact=True).select_option("")
    page.get_by_label("Search my notes").fill("FRAMING")
    page.get_by_role("button", name="Show").click()
    expect(notes).to_have_count(1)
    expect(notes.first).to_contain_text("Sam on framing in Edney")
    expect(notes.first).to_contain_text("1 reply")
    screenshot(page, f"notebook-filtered-{device}")
    notes.first.get_by_role("link", name="#framing").click()
    expect(page).to_have_url(re.compile(r"/notebook/\?tag=framing$"))
    expect(notes).to_have_count(1)
    notes.first.locator(".note-where a").click()  # back to the note on its passage
    expect(page.locator(".annotations")).to_contain_text("Sam on framing in Edney")
    expect(page.get_by_role("textbox", name="Tags")).to_be_visible()
    screenshot(page.locator(".annotations"), f"annotation-form-tags-{device}")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_stream_filters(request, seminar_notes, screenshot, device):
    page = request.getfixturevalue(device)
    sign_in(page, "cleo", "/seminars/reading-group/")
    threads = page.locator(".thread")
    expect(threads).to_have_count(4)  # never Sam's private note
    expect(page.locator("main")).not_to_contain_text("private thought")
    expect(page.locator(".by-instructor")).to_have_count(2)
    expect(page.get_by_role("link", name="CSV")).to_have_count(0)  # a student is offered no export
    screenshot(page, f"stream-{device}")
    page.get_by_label("Member", exact=True).select_option("ines")
    page.get_by_role("button", name="Show").click()
    expect(threads).to_have_count(1)
    expect(threads.first).to_contain_text("Ines: read this against Edney.")
    page.get_by_label("Member", exact=True).select_option("")
    page.get_by_label("Tag", exact=True).select_option("framing")
    page.get_by_role("button", name="Show").click()
    expect(threads).to_have_count(1)
    expect(threads.first).to_contain_text("Ines replies to Sam.")
    screenshot(page, f"stream-filtered-{device}")
    page.get_by_role("link", name="Clear filters").click()
    expect(threads).to_have_count(4)


def test_export_downloads(page, seminar_notes, tmp_path):
    sign_in(page, "ines", "/seminars/reading-group/?tag=nye")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert re.fullmatch(r"seminar-reading-group-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    path = tmp_path / "stream.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert sorted(row["body"] for row in rows) == [
        "'=1+1 Sam on the official text, shared.",
        "Ines: read this against Edney.",
    ]
    with page.expect_download() as download:
        page.get_by_role("link", name="Markdown").click()
    assert download.value.suggested_filename.endswith(".md")
    download.value.save_as(tmp_path / "stream.md")
    assert (tmp_path / "stream.md").read_text(encoding="utf-8").startswith("# Reading group\n")

    page.get_by_role("link", name="My notebook").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    download.value.save_as(tmp_path / "notebook.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "notebook.csv").read_text(encoding="utf-8"))))
    assert [row["author"] for row in rows] == ["ines", "ines"]


@pytest.mark.parametrize(
    "path", ["/notebook/", "/notebook/?tag=nye&q=official", "/seminars/reading-group/", "annotation-form"]
)
def test_no_axe_violations(axe_page, axe_source, seminar_notes, path):
    if path == "annotation-form":  # a passage's annotations with their tags, and the form with its Tags field
        path = Annotation.objects.filter(parent=None).first().get_absolute_url().split("#")[0]
    sign_in(axe_page, "ines", path)
    violations = axe_violations(axe_page, axe_source)
    assert not violations, describe(violations)
