"""An instructor runs a seminar without the admin: issue 11's acceptance journey, in one test.

The instructor creates a seminar, adds three students from pasted CSV lines, turns the join link on;
a fourth person opens it and signs up; the instructor sets a reading assignment with "annotate
before you see others" (N=1); a student who has not yet posted sees only their own notes on the
reading until they post one, then everyone's; the instructor reads the participation table and
downloads its CSV; a draft contrast stays invisible to students until an editor publishes it.
Every page of the journey is checked with axe (these contexts bypass the CSP only to inject axe;
the other journeys run under the policy).
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from readings.models import Assignment, Contrast, Membership, Passage, Role, Seminar, Stance, Theme

from .test_accessibility import axe_violations, describe

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-seminar-1"
CSV_LINES = "\n".join(
    [
        "amara,amara@example.org,Amara Osei,student",
        "ben,ben@example.org,Ben Adler,student",
        "chen,chen@example.org,Chen Wei,student",
    ]
)
EDNEY = "edney-2015"


@pytest.fixture
def people(site):
    User = get_user_model()
    helen = User.objects.create_user("helen", "helen@example.org", PASSWORD, first_name="Helen", last_name="Marsh")
    # A new instructor is given the permission to create seminars by an admin, as the README says.
    helen.user_permissions.add(Permission.objects.get(codename="add_seminar"))
    editor = User.objects.create_superuser("edith", "edith@example.org", PASSWORD)
    return {"helen": helen, "editor": editor}


def sign_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def assert_accessible(page, what):
    violations = axe_violations(page, page.axe_source)
    assert not violations, f"axe-core on {what}:\n{describe(violations)}"


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def annotate(page, passage, body, seminar):
    page.goto(f"{passage.get_absolute_url()}annotations/")
    page.get_by_label("Your annotation (Markdown)").fill(body)
    page.get_by_label("Share with").select_option(label=seminar.name)
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator(".annotations")).to_contain_text(body)


def test_an_instructor_runs_a_seminar_without_the_admin(new_page, axe_source, people, screenshot, tmp_path):
    def person():
        page = new_page(bypass_csp=True)
        page.axe_source = axe_source
        return page

    # --- The instructor creates the seminar and adds three students from CSV lines. -----------
    helen = person()
    sign_in(helen, "helen", "/seminars/new/")
    assert_accessible(helen, "the new seminar page")
    helen.get_by_label("Name of the seminar").fill("Reading soft power, spring")
    helen.get_by_role("button", name="Create the seminar").click()
    seminar = Seminar.objects.get(name="Reading soft power, spring")
    assert Membership.objects.get(seminar=seminar).user == people["helen"]
    expect(helen).to_have_url(re.compile(rf"/seminars/{seminar.slug}/members/"))

    helen.get_by_label("People to add, one per line").fill(CSV_LINES)
    helen.get_by_role("button", name="Check and add").click()
    members = helen.locator("#member-list")
    for name in ("amara", "ben", "chen"):
        expect(members).to_contain_text(name)
    assert set(seminar.memberships.filter(role=Role.STUDENT).values_list("user__username", flat=True)) == {
        "amara",
        "ben",
        "chen",
    }
    # New accounts are asked to choose a password, by email (after the transaction).
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amara@example.org",
        "ben@example.org",
        "chen@example.org",
    ]
    assert_accessible(helen, "the members page")
    screenshot(helen, "seminar-members")

    # --- The join link, opened by a fourth person, who signs up through it. ------------------
    helen.goto(f"/seminars/{seminar.slug}/settings/")
    helen.get_by_role("button", name="Turn the join link on").click()
    join_url = helen.get_by_label("Join link to share").input_value()
    assert seminar.join_code in join_url
    assert_accessible(helen, "the seminar settings")

    dana = person()
    dana.goto(join_url)
    dana.get_by_role("link", name="Create an account and join").click()
    assert_accessible(dana, "the sign-up page")
    dana.get_by_label("Username").fill("dana")
    dana.get_by_label("Email").fill("dana@example.org")
    dana.locator("#id_password1").fill(PASSWORD)
    dana.locator("#id_password2").fill(PASSWORD)
    dana.get_by_role("button", name=re.compile("Create the account")).click()
    expect(dana).not_to_have_url(re.compile(r"/accounts/signup/"))
    assert seminar.memberships.get(user__username="dana").role == Role.STUDENT

    # --- An assignment on Edney's paper, with "annotate before you see others" (N=1). ---------
    helen.goto(f"/seminars/{seminar.slug}/assignments/new/")
    helen.get_by_label("Title").fill("Week 1: Edney on regime security")
    helen.get_by_label("Instructions").fill("Read the introduction *closely*; post one note before reading others'.")
    helen.get_by_label("A paper").check()
    helen.get_by_label("Paper", exact=True).select_option(
        label=Passage.objects.filter(paper__slug=EDNEY).first().paper.display_title
    )
    now = timezone.now()
    helen.get_by_label("Opens").fill(local(now - timedelta(hours=1)))
    helen.get_by_label("Due").fill(local(now + timedelta(days=7)))
    helen.get_by_label("Annotations before a student sees the others'").fill("1")
    assert_accessible(helen, "the new assignment form")
    helen.get_by_role("button", name="Create the assignment").click()
    assignment = Assignment.objects.get(seminar=seminar)
    assert (assignment.kind, assignment.paper.slug, assignment.gate) == ("paper", EDNEY, 1)

    # --- Amara (who chose her password from the email) posts first. ---------------------------
    amara_user = get_user_model().objects.get(username="amara")
    amara_user.set_password(PASSWORD)
    amara_user.save()
    amara = person()
    sign_in(amara, "amara", assignment.get_absolute_url())
    first, second = (Passage.objects.get(paper__slug=EDNEY, section__key="introduction", ordinal=n) for n in (1, 2))
    annotate(amara, first, "Amara: the definition is Nye’s, quoted from 2011.", seminar)

    # --- Dana has posted nothing in the reading: she sees only her own and the instructors' notes.
    dana.goto(assignment.get_absolute_url())
    expect(dana.locator("main")).to_contain_text("You have shared 0 of the 1")
    assert_accessible(dana, "the assignment page")
    screenshot(dana, "assignment-gated", full_page=False)
    dana.goto(f"{first.get_absolute_url()}annotations/")
    expect(dana.locator(".annotations")).not_to_contain_text("Amara:")

    # She posts one note in the reading, and then reads everyone's.
    annotate(dana, second, "Dana: the regime-security reading starts here.", seminar)
    dana.goto(f"{first.get_absolute_url()}annotations/")
    expect(dana.locator(".annotations")).to_contain_text("Amara: the definition is Nye’s")
    dana.goto(assignment.get_absolute_url())
    expect(dana.locator("main")).not_to_contain_text("You have shared 0 of the 1")

    # --- The instructor reads the participation table and downloads its CSV. -----------------
    helen.goto(f"/seminars/{seminar.slug}/participation/")
    table = helen.locator("table")
    for name in ("Amara Osei", "dana", "Ben Adler", "Chen Wei"):
        expect(table).to_contain_text(name)
    assert_accessible(helen, "the participation table")
    screenshot(helen, "participation")
    with helen.expect_download() as download:
        helen.get_by_role("link", name="CSV for a gradebook").click()
    path = tmp_path / "participation.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 4  # one row per student and assignment
    by_student = {row["username"]: row for row in rows}
    assert by_student["amara"]["annotations"] == by_student["dana"]["annotations"] == "1"
    assert by_student["ben"]["annotations"] == "0"

    # --- A draft contrast is invisible to students until an editor publishes it. ---------------
    theme = Theme.objects.get(slug="what-is-cultural-soft-power")
    draft = Contrast.objects.create(theme=theme, order=theme.contrasts.count() + 1, title="A pairing still in draft")
    draft.set_sides(
        [Passage.objects.filter(paper__stance=Stance.OFFICIAL).first()],
        [Passage.objects.filter(paper__stance=Stance.CRITICAL).first()],
    )
    dana.goto(theme.get_absolute_url())
    expect(dana.locator("main")).not_to_contain_text("A pairing still in draft")
    # Asked for without loading it in the page (a 404 page logs its 404 in the console, as it should).
    assert dana.request.get(f"{theme.get_absolute_url()}contrasts/{draft.order}/").status == 404

    editor = person()
    sign_in(editor, "edith", f"/admin/readings/contrast/{draft.pk}/change/")
    editor.locator("select[name='CHANGE_FORM-action']").select_option(label="Publish this contrast")
    editor.locator("div.actions").get_by_role("button", name="Run").click()
    expect(editor.locator(".messagelist")).to_contain_text("Published")

    dana.goto(theme.get_absolute_url())
    expect(dana.locator("main")).to_contain_text("A pairing still in draft")
    screenshot(dana, "draft-published", full_page=False)
