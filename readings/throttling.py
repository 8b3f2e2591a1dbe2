"""Limits on guessing passwords and on password-reset mail: who the client is, and how often it may try."""

import ipaddress
import logging
import math
import unicodedata
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import PasswordResetRequest

log = logging.getLogger(__name__)

NAME_MAX_LENGTH = 255  # axes' AccessAttempt.username


def normalise(name: str) -> str:
    """One key for every spelling that Django's forms treat as the same name or e-mail address.

    The sign-in form reads "ｓｔｕｄｅｎｔ" and "𝐬𝐭𝐮𝐝𝐞𝐧𝐭" as "student" (NFKC); case-folding
    also joins the spellings that only differ in case, as password reset compares e-mails.
    """
    return unicodedata.normalize("NFKC", name).casefold()


def sign_in_name(request, credentials: dict | None) -> str:
    """The name failed sign-ins are counted under (django-axes' AXES_USERNAME_CALLABLE)."""
    name = credentials.get("username") if credentials else request.POST.get("username")
    # NFKC can lengthen a name (one ligature becomes up to 18 letters): cut it to the column.
    return normalise(name or "")[:NAME_MAX_LENGTH]


def client_address(request) -> str | None:
    """The address the request came from (django-axes' AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless READING_ROOM_TRUSTED_PROXIES says how many proxies of ours stand in
    front: each appends the address it was reached from to X-Forwarded-For, so the entry that
    many places from the right was written by our outermost proxy. Whatever is further left
    was written by the client and is never believed.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.READING_ROOM_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and valid_address(forwarded[-proxies]):
            address = forwarded[-proxies]
    return str(ipaddress.ip_address(address)) if valid_address(address) else None


def valid_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def serialize(*keys: str):
    """Within a transaction, wait until no other transaction holds any of these keys.

    SQLite needs nothing: its transactions here are IMMEDIATE (see settings), so a
    transaction holds the one write lock from its start. PostgreSQL takes an advisory lock per
    key, in one order everywhere so that two transactions never wait for each other.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for key in sorted(set(keys)):
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def minutes_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds() / 60))


class SignInHandler(AxesDatabaseHandler):
    """django-axes' database handler, counting each sign-in before its password is checked.

    The stock handler checks the count, lets the password be checked, and records a failure
    afterwards: parallel guesses pass the check before any is recorded (of 16 parallel guesses
    against a limit of 5, between 9 and 16 were checked on SQLite, 6 on PostgreSQL). Here the check and the count are
    one short transaction that holds the name and the address, and a successful sign-in takes its
    count back (axes' AXES_RESET_ON_SUCCESS), so exactly the allowed number of passwords is
    ever checked. The address has its own, much higher limit: behind one proxy, a whole campus
    shares an address, and one student's typos must not lock out the others.
    """

    def is_allowed(self, request, credentials=None) -> bool:
        if self.is_blacklisted(request, credentials):
            return False
        if self.is_whitelisted(request, credentials):
            return True
        client = {
            "username": get_client_username(request, credentials),
            "ip_address": request.axes_ip_address,
            "user_agent": request.axes_user_agent,
        }
        now = request.axes_attempt_time
        with transaction.atomic():
            serialize(f"sign-in name {client['username']}", f"sign-in address {client['ip_address']}")
            if self.lockout_ends(request, credentials):
                return False
            # A record older than the cool-off starts counting again. (Expired records of other
            # names are deleted outside this transaction: two deletes of the same rows in
            # different orders could deadlock on PostgreSQL.)
            counted = AccessAttempt.objects.filter(**client).update(
                failures_since_start=Case(
                    When(attempt_time__lt=now - get_cool_off(request), then=Value(1)),
                    default=F("failures_since_start") + 1,
                ),
                attempt_time=now,
            )
            if not counted:
                AccessAttempt.objects.create(
                    **client,
                    failures_since_start=1,
                    attempt_time=now,
                    http_accept=request.axes_http_accept,
                    path_info=request.axes_path_info,
                )
            # Whether this attempt is the one that used up the name's or the address's tries.
            request.sign_in_last_try = self.lockout_ends(request, credentials) is not None
        request.sign_in_counted = True
        return True

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None or not getattr(request, "sign_in_counted", False):
            # Refused unchecked (locked out), or whitelisted: axes records it as usual.
            return super().user_login_failed(sender, credentials, request, **kwargs)
        self.clean_expired_user_attempts(request, credentials)
        # Already counted; if that was the last try, the page says so at once.
        if request.sign_in_last_try:
            username = get_client_username(request, credentials)
            log.warning("Sign-in locked after repeated failures.")
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)
        return None

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in: forget the name's failures, and only those.

        axes would also forget every failure from the address, which would let anyone with an
        account of their own clear the address's count by signing in.
        """
        count, _ = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count

    def lockout_ends(self, request, credentials=None) -> datetime | None:
        """When the name's or the address's lockout lifts; None if neither is locked."""
        cool_off = get_cool_off(request)
        recent = AccessAttempt.objects.filter(attempt_time__gte=request.axes_attempt_time - cool_off)
        counters = [
            (recent.filter(username=get_client_username(request, credentials)), settings.AXES_FAILURE_LIMIT),
            (recent.filter(ip_address=request.axes_ip_address), settings.READING_ROOM_SIGN_IN_ADDRESS_LIMIT),
        ]
        ends = []
        for attempts, limit in counters:
            # A lockout lifts when enough attempts age out that fewer than the limit remain:
            # when the attempt that brought the newest ones up to the limit turns cool_off old.
            total = 0
            for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
                "attempt_time", "failures_since_start"
            )[:limit]:
                total += failures
                if total >= limit:
                    ends.append(attempt_time + cool_off)
                    break
        return max(ends, default=None)

    def is_locked(self, request, credentials=None) -> bool:
        return self.lockout_ends(request, credentials) is not None


def sign_in_lockout_minutes(request, credentials=None) -> int:
    """Minutes, rounded up, until the name or address this sign-in came with may try again."""
    ends = SignInHandler().lockout_ends(request, credentials)
    return minutes_until(ends or timezone.now() + get_cool_off(request))


def password_reset_wait(request, email: str) -> timedelta | None:
    """Count a request for a password-reset mail; how long to wait if it is one too many.

    At most READING_ROOM_PASSWORD_RESET_PER_EMAIL mails to one address (in any spelling) and
    READING_ROOM_PASSWORD_RESET_PER_ADDRESS requests from one client in the window. Only
    requests let through are counted, so the oldest ages out and the next one may go.
    """
    # Keyed hash: who asked for which e-mail address is nothing to keep.
    email_key = salted_hmac("readings.password-reset", normalise(email), algorithm="sha256").hexdigest()
    address = client_address(request)
    now = timezone.now()
    window = settings.READING_ROOM_PASSWORD_RESET_WINDOW
    # Outside the transaction below: two deletes of the same rows could deadlock on PostgreSQL.
    PasswordResetRequest.objects.filter(requested_at__lt=now - window).delete()
    with transaction.atomic():
        serialize(f"reset email {email_key}", f"reset address {address}")
        recent = PasswordResetRequest.objects.filter(requested_at__gte=now - window)
        for requests, limit in (
            (recent.filter(email_key=email_key), settings.READING_ROOM_PASSWORD_RESET_PER_EMAIL),
            (recent.filter(address=address), settings.READING_ROOM_PASSWORD_RESET_PER_ADDRESS),
        ):
            times = list(requests.order_by("-requested_at").values_list("requested_at", flat=True)[:limit])
            if len(times) >= limit:
                return times[-1] + window - now
        PasswordResetRequest.objects.create(email_key=email_key, address=address, requested_at=now)
    return None


def join_key(request) -> str:
    window = settings.READING_ROOM_JOIN_WINDOW.total_seconds()
    return f"join-failures:{client_address(request)}:{int(timezone.now().timestamp() // window)}"


def join_refused(request) -> bool:
    """Whether this client opened too many invalid join links in the current window (checked before the code is)."""
    return cache.get(join_key(request), 0) >= settings.READING_ROOM_JOIN_FAILURES_PER_ADDRESS


def count_join_failure(request) -> None:
    """Count an invalid join code from this client.

    In the shared cache (the database's, so every app server counts together), in fixed windows.
    The cache's incr is not atomic, so parallel guesses may be undercounted by a few: against a
    32-character random code a few guesses more or less make no difference.
    """
    key = join_key(request)
    timeout = settings.READING_ROOM_JOIN_WINDOW.total_seconds()
    cache.add(key, 0, timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)


def join_wait_minutes() -> int:
    window = settings.READING_ROOM_JOIN_WINDOW.total_seconds()
    now = timezone.now().timestamp()
    return max(1, math.ceil((window - now % window) / 60))
