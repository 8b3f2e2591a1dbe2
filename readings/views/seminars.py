"""Seminars run by their instructors: creating, renaming and archiving one, its members and its join link's settings."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from .. import membership_import, throttling
from ..models import Membership, Role, Seminar, new_join_code
from ..seminar_forms import AddMemberForm, BulkAddForm, RoleChangeForm, SeminarForm
from .access import seminar_of_instructor
from .render import render_page

log = logging.getLogger(__name__)

MEMBERS_PAGE_SIZE = 50
# /seminars/new/ and /seminars/join/ sit beside /seminars/<slug>/: no seminar may be slugged so.
RESERVED_SLUGS = {"new", "join"}
SLUG_MAX_LENGTH = 70  # leaves room in Seminar.slug (80) for a "-123" that makes it unique


def unique_slug(name: str) -> str:
    base = slugify(name)[:SLUG_MAX_LENGTH].strip("-") or "seminar"
    taken = set(Seminar.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def seminar_new(request):
    """A new seminar, whose creator is its first instructor (readings.add_seminar needed)."""
    if not request.user.has_perm("readings.add_seminar"):
        raise PermissionDenied("Creating seminars needs the instructor permission: ask an administrator for it.")
    form = SeminarForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        for _attempt in range(3):  # two instructors may take the same slug at the same moment
            try:
                with transaction.atomic():
                    seminar = Seminar.objects.create(
                        name=form.cleaned_data["name"], slug=unique_slug(form.cleaned_data["name"])
                    )
                    Membership.objects.create(seminar=seminar, user=request.user, role=Role.INSTRUCTOR)
                break
            except IntegrityError:
                continue
        else:
            form.add_error("name", "This seminar could not be created just now: try again.")
            return TemplateResponse(request, "readings/seminar_new.html", {"form": form}, status=409)
        messages.success(request, f"{seminar.name} is created. Add its members here.")
        return redirect("readings:seminar-members", seminar.slug)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "readings/seminar_new.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def seminar_settings(request, slug):
    """Rename the seminar; the archive and join-link controls live here too."""
    seminar = seminar_of_instructor(request, slug)
    form = SeminarForm(request.POST if request.method == "POST" else None, instance=seminar)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            Seminar.objects.filter(pk=seminar.pk).update(name=form.cleaned_data["name"])
        messages.success(request, "The seminar is renamed.")
        return redirect("readings:seminar-settings", seminar.slug)
    if request.method == "POST":
        seminar.refresh_from_db(fields=["name"])  # the heading keeps the name the seminar has
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request, "readings/seminar_settings.html", settings_context(request, seminar, form), status=status
    )


def settings_context(request, seminar, form):
    join_url = request.build_absolute_uri(reverse("readings:seminar-join", args=[seminar.join_code]))
    return {"seminar": seminar, "form": form, "join_url": join_url}


@require_POST
@login_required
def seminar_archive(request, slug):
    """Archive (read-only, still readable) or bring back the seminar."""
    seminar = seminar_of_instructor(request, slug)
    archive = request.POST.get("archive") == "1"
    with transaction.atomic():
        Seminar.objects.filter(pk=seminar.pk).update(archived_at=timezone.now() if archive else None)
    messages.success(
        request,
        f"{seminar.name} is archived: its members can read it, nobody can write in it."
        if archive
        else f"{seminar.name} is open again.",
    )
    return redirect("readings:seminar-settings", seminar.slug)


@require_POST
@login_required
def seminar_join_link(request, slug):
    """Turn the join link on or off, or give it a new code (the old link stops working)."""
    seminar = seminar_of_instructor(request, slug)
    action = request.POST.get("action")
    changes = {
        "enable": {"join_enabled": True},
        "disable": {"join_enabled": False},
        "regenerate": {"join_code": new_join_code()},
    }.get(action)
    if changes is None:
        return TemplateResponse(request, "400.html", status=400)
    with transaction.atomic():
        Seminar.objects.filter(pk=seminar.pk).update(**changes)
    done = {
        "enable": "The join link is on: anyone who has it can join as a student.",
        "disable": "The join link is off: it joins nobody until it is turned on again.",
        "regenerate": "The join link is new: the old one joins nobody.",
    }
    messages.success(request, done[action])
    return redirect("readings:seminar-settings", seminar.slug)


# The members page.


def members_page(request, seminar, add_form=None, bulk_form=None, status=200):
    memberships = seminar.memberships.select_related("user").order_by("role", "user__username", "pk")
    page = Paginator(memberships, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "seminar": seminar,
        "page": page,
        "add_form": add_form or AddMemberForm(seminar=seminar),
        "bulk_form": bulk_form or BulkAddForm(),
        "report": getattr(bulk_form, "report", None),
        "roles": Role.choices,
        "max_lines": membership_import.MAX_LINES,
    }
    return render_page(request, "readings/seminar_members.html", "member-list", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def seminar_members(request, slug):
    """The members, paginated; adding one person, or many from CSV lines, by POST to the same address, so a
    form answered with its errors keeps the page's own address (and its pagination links)."""
    seminar = seminar_of_instructor(request, slug)
    if request.method != "POST":
        return members_page(request, seminar)
    adding = {"add": member_add, "import": member_import}.get(request.POST.get("form"))
    if adding is None:
        return TemplateResponse(request, "400.html", status=400)
    return adding(request, seminar)


def member_add(request, seminar):
    form = AddMemberForm(request.POST, seminar=seminar)
    if not form.is_valid():
        return members_page(request, seminar, add_form=form, status=400)
    try:
        with transaction.atomic():
            Membership.objects.create(seminar=seminar, user=form.user, role=form.cleaned_data["role"])
    except IntegrityError:
        pass  # added by someone else meanwhile: the person is a member, as asked
    messages.success(
        request, f"{form.user.get_username()} is added as {Role(form.cleaned_data['role']).label.lower()}."
    )
    return redirect("readings:seminar-members", seminar.slug)


def member_import(request, seminar):
    """Add the people of pasted CSV lines: every line valid, or nobody added (one transaction)."""
    form = BulkAddForm(request.POST)
    if not form.is_valid():
        return members_page(request, seminar, bulk_form=form, status=400)
    try:
        outcome = membership_import.add_all(seminar, form.report.lines)
    except IntegrityError:
        # An account of the same name was created between the check and the write: nothing was added.
        form.add_error("lines", "Accounts changed while these lines were added, and nobody was added: add them again.")
        return members_page(request, seminar, bulk_form=form, status=409)
    # After the transaction: a slow or failing mail server must neither hold the lock nor undo the import.
    sent = send_set_password_emails(request, seminar, outcome.created)
    summary = f"{outcome.added} added"
    if outcome.created:
        summary += f", of whom {len(outcome.created)} with new accounts ({sent} sent an email to choose a password)"
    if outcome.already:
        summary += f"; {outcome.already} already member{'s' if outcome.already != 1 else ''}, left as they were"
    messages.success(request, summary + ".")
    return redirect("readings:seminar-members", seminar.slug)


def send_set_password_emails(request, seminar, users) -> int:
    """The set-your-password email, with a link made by Django's password-reset tokens; how many were sent."""
    if not users:
        return 0
    subject = f"Your account for {seminar.name} in the Soft Power Reading Room"
    mails = []
    for user in users:
        link = request.build_absolute_uri(
            reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
        )
        context = {"user": user, "seminar": seminar, "link": link, "invited_by": request.user}
        mails.append((subject, render_to_string("registration/set_password_email.txt", context), None, [user.email]))
    try:
        return send_mass_mail(mails)
    except OSError:
        # The accounts are made; the people can still use "Forgotten your password?".
        log.exception("Sending set-your-password emails failed.")
        return 0


@require_POST
@login_required
def member_invite(request, slug, pk):
    """Send the set-your-password email again to a member who has not chosen a password yet (its link expires).

    Counted as a password-reset mail to that address (readings.throttling), so it cannot flood anyone's inbox.
    """
    seminar = seminar_of_instructor(request, slug)
    person = membership_in(seminar, pk).user
    if person.has_usable_password() or not person.email:
        messages.error(request, f"{person.get_username()} has a password already, or no email: nothing was sent.")
    elif (wait := throttling.password_reset_wait(request, person.email)) is not None:
        minutes = throttling.minutes_until(timezone.now() + wait)
        messages.error(request, f"Too many emails to {person.email} lately: try again in {minutes} minutes.")
    elif send_set_password_emails(request, seminar, [person]):
        messages.success(request, f"The email to choose a password is sent again to {person.email}.")
    else:
        messages.error(request, "The email could not be sent just now: try again later.")
    return redirect("readings:seminar-members", seminar.slug)


def membership_in(seminar, pk):
    return get_object_or_404(Membership.objects.select_related("user"), seminar=seminar, pk=pk)


def keeps_an_instructor(seminar, membership) -> bool:
    """Whether the seminar still has an instructor without this membership's (inside a transaction).

    The instructors' rows are locked, so two instructors demoting each other at once cannot both succeed.
    """
    instructors = list(
        Membership.objects.select_for_update()
        .filter(seminar=seminar, role=Role.INSTRUCTOR)
        .values_list("pk", flat=True)
    )
    return any(pk != membership.pk for pk in instructors)


@require_POST
@login_required
def member_role(request, slug, pk):
    seminar = seminar_of_instructor(request, slug)
    membership = membership_in(seminar, pk)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "400.html", status=400)
    role = form.cleaned_data["role"]
    name = membership.user.get_username()
    with transaction.atomic():
        if (
            membership.role == Role.INSTRUCTOR
            and role != Role.INSTRUCTOR
            and not keeps_an_instructor(seminar, membership)
        ):
            messages.error(request, f"{name} is the seminar’s only instructor: make someone else an instructor first.")
            return redirect("readings:seminar-members", seminar.slug)
        membership.role = role
        membership.save(update_fields=["role"])  # the signal gives and takes the role's group and staff access
    messages.success(request, f"{name} is now {Role(role).label.lower()}.")
    return leave_if_no_longer_instructor(request, seminar)


@require_POST
@login_required
def member_remove(request, slug, pk):
    seminar = seminar_of_instructor(request, slug)
    membership = membership_in(seminar, pk)
    name = membership.user.get_username()
    with transaction.atomic():
        if membership.role == Role.INSTRUCTOR and not keeps_an_instructor(seminar, membership):
            messages.error(request, f"{name} is the seminar’s only instructor: make someone else an instructor first.")
            return redirect("readings:seminar-members", seminar.slug)
        membership.delete()  # the signal takes the role's group and staff access if it was their last
    messages.success(request, f"{name} is removed from {seminar.name}.")
    return leave_if_no_longer_instructor(request, seminar)


def leave_if_no_longer_instructor(request, seminar):
    """Back to the members page; to the seminar (or home) if the change took the page from the instructor."""
    if Membership.objects.filter(seminar=seminar, user=request.user, role=Role.INSTRUCTOR).exists():
        return redirect("readings:seminar-members", seminar.slug)
    if Membership.objects.filter(seminar=seminar, user=request.user).exists():
        return redirect("readings:seminar-stream", seminar.slug)
    return redirect("readings:home")
