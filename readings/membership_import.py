"""Bulk adding people to a seminar from pasted CSV lines: every line checked first, then all added in one go."""

import csv
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from .models import Membership
from .roles import Role

# A seminar is a class, not a university: 500 people is more than any one paste needs, and a
# paste past either limit is refused before a single line of it is read.
MAX_LINES = 500
MAX_BYTES = 100_000  # 200 bytes a line on average, far more than `username,email,full name,role` takes
USERNAME_MAX_LENGTH = 150  # django.contrib.auth's User.username
EMAIL_MAX_LENGTH = 254  # RFC 5321, and User.email
NAME_PART_MAX_LENGTH = 150  # User.first_name and User.last_name each
COLUMNS = ("username", "email", "full name", "role")
ROLES = {Role.STUDENT.value, Role.INSTRUCTOR.value}


@dataclass
class Line:
    """One person to add, as a valid line asks."""

    number: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    user: object = None  # the existing account, if there is one


@dataclass
class Report:
    """What a paste holds: the valid lines, and every bad line's number and what is wrong with it."""

    lines: list[Line] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    refused: str = ""  # the whole paste refused unread (too big), before any line is checked

    @property
    def ok(self) -> bool:
        return not self.refused and not self.errors and bool(self.lines)


def read(text: str) -> Report:
    """Check every line of a paste against the format and the accounts there are; add nothing."""
    report = Report()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        report.refused = (
            f"This paste is {size:,} bytes long; at most {MAX_BYTES:,} bytes ({MAX_LINES} lines) "
            "can be added at once. Split it into smaller pastes."
        )
        return report
    raw_lines = text.splitlines()
    if len(raw_lines) > MAX_LINES:
        report.refused = (
            f"This paste has {len(raw_lines):,} lines; at most {MAX_LINES} people can be added at once. "
            "Split it into smaller pastes."
        )
        return report
    seen_usernames, seen_emails = {}, {}
    for number, raw in enumerate(raw_lines, start=1):
        # Each line read on its own: a stray quote must not swallow the lines after it, nor shift their numbers.
        cells = [cell.strip() for cell in next(csv.reader([raw]), [])]
        if not any(cells):
            continue  # blank lines are allowed, to keep a long paste readable
        if number == 1 and [cell.casefold() for cell in cells[:2]] == ["username", "email"]:
            continue  # a header line, as a spreadsheet exports it
        line, problem = check_line(number, cells)
        if problem:
            report.errors.append((number, problem))
            continue
        for key, seen, what in (
            (line.username.casefold(), seen_usernames, "username"),
            (line.email.casefold(), seen_emails, "email"),
        ):
            if key and key in seen:
                problem = f"The {what} “{getattr(line, what)}” is on line {seen[key]} already."
                break
        if problem:
            report.errors.append((number, problem))
            continue
        seen_usernames[line.username.casefold()] = number
        if line.email:
            seen_emails[line.email.casefold()] = number
        report.lines.append(line)
    check_accounts(report)
    report.errors.sort()
    if not report.lines and not report.errors:
        report.refused = "There is nothing to add: paste one line per person."
    return report


def check_line(number: int, cells: list[str]) -> tuple[Line | None, str]:
    """A line's own format: its columns, username, email and role."""
    if len(cells) > len(COLUMNS):
        return None, (
            f"Too many columns ({len(cells)}): a line is {', '.join(COLUMNS)}. "
            "Put a full name that holds a comma in double quotes."
        )
    username, email, full_name, role = (cells + [""] * len(COLUMNS))[: len(COLUMNS)]
    if not username:
        return None, "The username is missing: a line starts with one."
    if len(username) > USERNAME_MAX_LENGTH:
        return None, f"The username is longer than {USERNAME_MAX_LENGTH} characters."
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return None, f"“{username}” is not a username: use letters, digits and @ . + - _ only."
    if email:
        if len(email) > EMAIL_MAX_LENGTH:
            return None, f"The email address is longer than {EMAIL_MAX_LENGTH} characters."
        try:
            validate_email(email)
        except ValidationError:
            return None, f"“{email}” is not an email address."
    role = role.casefold() or Role.STUDENT.value
    if role not in ROLES:
        return None, f"“{role}” is not a role: write instructor or student (or nothing, for student)."
    first_name, _, last_name = full_name.rpartition(" ") if " " in full_name else (full_name, "", "")
    if len(first_name) > NAME_PART_MAX_LENGTH or len(last_name) > NAME_PART_MAX_LENGTH:
        return None, "The full name is too long."
    return Line(number, username, email, first_name.strip(), last_name.strip(), role), ""


def check_accounts(report: Report) -> None:
    """Each line against the accounts there are (two queries for the whole paste).

    A username that exists must come with that account's email (or none); a new username needs an
    email, for the set-your-password message, that no other account has. Compared lower-cased, as
    the database lower-cases (SQLite only ASCII), so "Alice" never becomes a second "alice".
    """
    User = get_user_model()
    by_username = {
        user.username_key: user
        for user in User.objects.annotate(username_key=Lower("username")).filter(
            username_key__in=[line.username.lower() for line in report.lines]
        )
    }
    emails = [line.email.lower() for line in report.lines if line.email]
    by_email = {}
    for user in User.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails).order_by("pk"):
        by_email.setdefault(user.email_key, user)
    valid = []
    for line in report.lines:
        problem = ""
        user = by_username.get(line.username.lower())
        if user is not None and user.username != line.username:
            problem = f"There is an account “{user.username}”: write its username exactly so."
        elif user is not None and line.email and user.email.casefold() != line.email.casefold():
            problem = (
                f"The account “{user.username}” has a different email address: leave the email empty, or correct it."
            )
        elif user is None and not line.email:
            problem = f"There is no account “{line.username}”: give an email address to create one."
        elif user is None and line.email.lower() in by_email:
            problem = (
                f"The email {line.email} belongs to the account “{by_email[line.email.lower()].username}”: "
                "use that username."
            )
        if problem:
            report.errors.append((line.number, problem))
        else:
            line.user = user
            valid.append(line)
    report.lines = valid


@dataclass
class Outcome:
    created: list = field(default_factory=list)  # new accounts, to be sent a set-your-password email
    added: int = 0
    already: int = 0  # already members: left as they were, role included


def add_all(seminar, lines: list[Line]) -> Outcome:
    """Create the accounts and memberships of valid lines, in one transaction: all of them or none.

    Members already in the seminar keep their role: a paste adds people, it never demotes anyone.
    """
    User = get_user_model()
    outcome = Outcome()
    with transaction.atomic():
        new_users = []
        for line in lines:
            if line.user is None:
                user = User(
                    username=line.username,
                    email=User.objects.normalize_email(line.email),  # as create_user() stores it
                    first_name=line.first_name,
                    last_name=line.last_name,
                )
                user.set_unusable_password()
                new_users.append(user)
        created = User.objects.bulk_create(new_users)
        outcome.created = created
        users = {user.username: user for user in created} | {line.username: line.user for line in lines if line.user}
        members = set(
            Membership.objects.filter(seminar=seminar, user__in=users.values()).values_list("user", flat=True)
        )
        memberships = [
            Membership(seminar=seminar, user=users[line.username], role=line.role)
            for line in lines
            if users[line.username].pk not in members
        ]
        # Membership's bulk_create gives the new members their role groups (MembershipQuerySet).
        Membership.objects.bulk_create(memberships)
        outcome.added, outcome.already = len(memberships), len(lines) - len(memberships)
    return outcome
