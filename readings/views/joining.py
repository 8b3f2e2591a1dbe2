"""Joining a seminar by its link, and signing up (only through a valid link unless READING_ROOM_OPEN_SIGNUP)."""

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from .. import throttling
from ..models import Membership, Role, Seminar
from ..seminar_forms import SignUpForm

# A join code is looked up by its first characters only, then compared whole in constant time: the
# lookup's timing can tell at most whether some code starts so (36 of 192 random bits). Without an index
# on a prefix this scans the seminars, which are few (hundreds, not millions).
JOIN_CODE_PREFIX = 6
JOIN_CODE_MAX_LENGTH = 64  # Seminar.join_code; a longer code in a URL is invalid without a lookup


def seminar_by_code(code: str):
    """The seminar whose join link this is, if the link is on and the seminar not archived; else None."""
    if not code or len(code) > JOIN_CODE_MAX_LENGTH:
        return None
    candidates = Seminar.objects.filter(join_code__startswith=code[:JOIN_CODE_PREFIX])
    found = None
    for seminar in candidates:
        # Every candidate compared, in constant time: the time taken does not tell how much of a code matched.
        if hmac.compare_digest(seminar.join_code.encode(), code.encode()):
            found = seminar
    if found is None or not found.join_enabled or found.is_archived:
        return None
    return found


def too_many_tries(request):
    minutes = throttling.join_wait_minutes()
    response = TemplateResponse(
        request, "readings/seminar_join.html", {"throttled": True, "minutes": minutes}, status=429
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def checked_seminar(request, code):
    """The seminar of a valid join code, or the page that answers instead: 429 when the client has tried too
    many invalid codes, 404 for an invalid one (counted against the client)."""
    if throttling.join_refused(request):
        return None, too_many_tries(request)
    seminar = seminar_by_code(code)
    if seminar is None:
        throttling.count_join_failure(request)
        return None, TemplateResponse(request, "readings/seminar_join.html", {"invalid": True}, status=404)
    return seminar, None


@require_http_methods(["GET", "HEAD", "POST"])
def seminar_join(request, code):
    """A join link: a signed-in reader confirms and joins as a student; others sign in or sign up first."""
    seminar, refused = checked_seminar(request, code)
    if refused:
        return refused
    context = {"seminar": seminar, "code": code}
    if not request.user.is_authenticated:
        here = reverse("readings:seminar-join", args=[code])
        context["sign_in_url"] = f"{reverse('login')}?{urlencode({'next': here})}"
        context["sign_up_url"] = f"{reverse('readings:signup')}?{urlencode({'join': code})}"
        if request.method == "POST":
            return redirect(context["sign_in_url"])
        return TemplateResponse(request, "readings/seminar_join.html", context)
    member = Membership.objects.filter(seminar=seminar, user=request.user).exists()
    if request.method == "POST":
        if not member:
            join(seminar, request.user)
            messages.success(request, f"Welcome to {seminar.name}.")
        return redirect("readings:seminar-stream", seminar.slug)
    context["member"] = member
    return TemplateResponse(request, "readings/seminar_join.html", context)


def join(seminar, user):
    try:
        with transaction.atomic():
            Membership.objects.create(seminar=seminar, user=user, role=Role.STUDENT)
    except IntegrityError:
        pass  # joined meanwhile (a second click): a member, as asked


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """An account of one's own: through a valid join link (?join=<code>), or by anyone if READING_ROOM_OPEN_SIGNUP."""
    code = request.POST.get("join") or request.GET.get("join") or ""
    seminar = None
    if code:
        seminar, refused = checked_seminar(request, code)
        if refused:
            return refused
    elif not settings.READING_ROOM_OPEN_SIGNUP:
        # Accounts are made through a seminar's join link: the page says to ask the instructor for one.
        return TemplateResponse(request, "registration/signup.html", {"closed": True}, status=404)
    if request.user.is_authenticated:
        return redirect(reverse("readings:seminar-join", args=[code]) if seminar else reverse("readings:home"))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            if seminar is not None:
                Membership.objects.create(seminar=seminar, user=user, role=Role.STUDENT)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if seminar is None:
            return redirect("readings:home")
        messages.success(request, f"Welcome to {seminar.name}.")
        return redirect("readings:seminar-stream", seminar.slug)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request, "registration/signup.html", {"form": form, "seminar": seminar, "code": code}, status=status
    )
