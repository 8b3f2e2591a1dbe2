"""A demo seminar to try the seminar side with: an instructor, three students, their notes, replies and tags."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from readings.markdown import render_markdown
from readings.models import (
    Annotation,
    Assignment,
    Membership,
    Notification,
    Paper,
    Passage,
    ReaderSettings,
    Role,
    Seminar,
    Tag,
    Theme,
)

SEMINAR_SLUG = "demo"
SEMINAR_NAME = "Demo seminar: reading soft power"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str


INSTRUCTOR = "demo-instructor"
STUDENT_1, STUDENT_2, STUDENT_3 = "demo-student-1", "demo-student-2", "demo-student-3"

PEOPLE = [
    Person(INSTRUCTOR, "Helen", "Marsh", Role.INSTRUCTOR),
    Person(STUDENT_1, "Amara", "Osei", Role.STUDENT),
    Person(STUDENT_2, "Jonas", "Weber", Role.STUDENT),
    Person(STUDENT_3, "Mei", "Chen", Role.STUDENT),
]


@dataclass(frozen=True)
class Reply:
    author: str
    body: str
    notify: bool = False  # the note's author has a notification of it, as the app would give


@dataclass(frozen=True)
class Note:
    """A note on the first passage of `paper` that holds `quote` (of `theme`'s contrasts, if given).

    Quotes are sentences of the shipped corpus, found in the text each run, never offsets written
    down here: a corrected passage moves offsets, and a quote that is gone stops the command.
    """

    author: str
    paper: str
    quote: str
    body: str
    tags: tuple[str, ...] = ()
    theme: str | None = None
    private: bool = False
    replies: tuple[Reply, ...] = ()


# A seminar's first week on "What is cultural soft power?": a definition read on both sides, an
# instructor's prompt, a critic's answer, and one student's note for herself alone.
THEME = "what-is-cultural-soft-power"

NOTES = [
    Note(
        author=STUDENT_1,
        paper="edney-2015",
        theme=THEME,
        quote=(
            "The term has been embraced by China’s leaders and is now part of the official lexicon of the "
            "Chinese Communist Party (CCP)."
        ),
        body=(
            "So Nye's term ends up in the Party's programme. Does it still mean what Nye meant once it is "
            "*official* vocabulary? The official papers on the theme page quote Nye too, but read soft power "
            "as a capacity the nation builds."
        ),
        tags=("definitions", "nye"),
        replies=(
            Reply(
                INSTRUCTOR,
                "Good question for Thursday. Put this sentence beside the official definition on the theme "
                "page: which side treats attraction as something a state **has**, and which as something "
                "others **grant**?",
                notify=True,
            ),
            Reply(
                STUDENT_2,
                "A few lines later Edney says Chinese officials *appear* most comfortable discussing soft power "
                "strategy in the context of culture. Maybe that is where the meaning shifts.",
            ),
        ),
    ),
    Note(
        author=STUDENT_2,
        paper="cultural-power-strategy",
        theme=THEME,
        quote=(
            "He believes that soft power is an invisible spiritual power, which influences the will of other "
            "countries through charm rather than coercion, so as to achieve its own purpose."
        ),
        body=(
            '"Charm" where Nye says "attraction", and soft power as a *spiritual* power. A translation choice, '
            "or the official reading of culture already at work in the definition?"
        ),
        tags=("nye", "translation"),
        replies=(
            Reply(
                STUDENT_3,
                'The next sentence lists "the charm of international credibility". Worth reading next to '
                "Assyl & Dauyen's credibility gap.",
            ),
        ),
    ),
    Note(
        author=INSTRUCTOR,
        paper="promoting-cultural-soft-power",
        quote=(
            "In just a few years of the construction, Confucius Institutes has made an irreplaceable and "
            "important contribution to promoting the worldwide Chinese fever."
        ),
        body=(
            '**For Thursday:** what evidence does the paper give for this "irreplaceable" contribution? '
            "Bring one sentence from Assyl & Dauyen (2025) that answers it."
        ),
        tags=("confucius-institutes", "evidence"),
    ),
    Note(
        author=STUDENT_3,
        paper="assyl-dauyen-2025",
        quote=(
            "When declared values and actual practices diverge, external audiences increasingly perceive the "
            "PRC's public diplomacy not as a genuine manifestation of cultural dialogue, but rather as a form "
            "of propaganda."
        ),
        body=(
            "An answer to the Confucius Institutes question: reach is not trust. The official papers count "
            "institutes and exchanges; this paper asks how they are *received*."
        ),
        tags=("credibility", "evidence"),
        replies=(
            Reply(
                STUDENT_1,
                'Agreed, and the same paragraph cites Mattern: soft power is relational. That is the "grant" '
                "side of the question on Edney's definition.",
            ),
        ),
    ),
    Note(
        author=STUDENT_1,
        paper="cultural-soft-power-international-communication",
        quote=(
            "National cultural soft power is the cohesion, penetration and vitality of a country or region to "
            "other countries or regions based on culture"
        ),
        body=(
            'For my essay: "penetration" here, "infiltration" (*wenhua shentou*) in Edney. The same '
            "Chinese word, 渗透? Check before Thursday."
        ),
        tags=("essay",),
        private=True,
    ),
]

# An assignment to show the flow at once: open now, due in a week, "annotate before you see others" with N=1.
# Its reading is Edney's paper, where the first two students have written already and the third has not:
# signed in as demo-student-3, the paper shows only her own notes and the instructor's until she shares one.
ASSIGNMENT_PAPER = "edney-2015"
ASSIGNMENT_TITLE = "Week 1: Edney on soft power and regime security"
ASSIGNMENT_INSTRUCTIONS = (
    "Read Edney (2015) before Thursday. Share **one** note with the seminar on a sentence where soft power "
    "serves *regime* security rather than national security; you will see your classmates' notes on the "
    "paper once you have shared yours. Late notes are welcome, and marked late."
)
ASSIGNMENT_GATE = 1
ASSIGNMENT_DUE_IN = timedelta(days=7)

# Letters and digits nobody misreads (no 0/o, 1/l/i), in groups: about 59 bits, easy to type from a terminal.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password() -> str:
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


class Command(BaseCommand):
    help = (
        f"Create the demo seminar (/seminars/{SEMINAR_SLUG}/): {INSTRUCTOR}, {STUDENT_1} to {STUDENT_3}, and their "
        "notes on the shipped corpus. Idempotent: what is there is left as it is, what is missing is made. "
        "Users it creates get one password, printed; existing users keep theirs unless --password is given. "
        "For development only: refused with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="the demo users' password (all four, new or existing); default: a random one for new users, "
            "and existing users keep theirs",
        )
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (DJANGO_DEBUG=0): a production database"
        )

    def handle(self, *args, password: str | None, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off (DJANGO_DEBUG=0): this looks like a production site, and demo_seminar makes "
                "accounts whose password is printed on the terminal. Use it on a development database, or "
                "give --force if you really mean to."
            )
        spans = find_spans()
        users = get_user_model().objects.in_bulk([person.username for person in PEOPLE], field_name="username")
        if password is not None:
            given_to = list(PEOPLE)
        else:
            given_to = [person for person in PEOPLE if person.username not in users]
            password = generate_password() if given_to else None
        hashed = None
        if password is not None:
            check_password(password, [users.get(person.username) or new_user(person) for person in given_to])
            # Hashing is slow by design: once, and before the transaction.
            hashed = make_password(password)
        rendered = {text: render_markdown(text) for text in [*bodies(), ASSIGNMENT_INSTRUCTIONS]}

        with transaction.atomic():
            seminar, _ = Seminar.objects.get_or_create(slug=SEMINAR_SLUG, defaults={"name": SEMINAR_NAME})
            for person in PEOPLE:
                user = users.get(person.username)
                if user is None:
                    user = users[person.username] = new_user(person)
                    user.password = hashed
                    user.save()
                elif person in given_to:
                    user.password = hashed
                    user.save(update_fields=["password"])
                join(seminar, user, person.role)
                # New notes are shared with the demo seminar until the reader chooses otherwise.
                ReaderSettings.objects.get_or_create(user=user, defaults={"share_with": seminar})
            made = sum(write_note(note, spans[note], seminar, users, rendered) for note in NOTES)
            made += write_assignment(seminar, users[INSTRUCTOR], rendered)

        self.report(seminar, made, password, given_to)

    def report(self, seminar, made, password, given_to):
        stream = f"/seminars/{seminar.slug}/"
        added = f"{made} notes, replies and assignments added" if made else "nothing to add, it was all there"
        self.stdout.write(self.style.SUCCESS(f"{seminar.name} ({stream}): {len(PEOPLE)} members; {added}."))
        if password is None:
            self.stdout.write("The demo users keep the passwords they have: give --password to set one for all four.")
            return
        names = [person.username for person in given_to]
        names = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        self.stdout.write(f"Password for {names}: {password}")
        if len(given_to) < len(PEOPLE):
            self.stdout.write("The other demo users were there already and keep their passwords.")
        self.stdout.write(
            f"Then `make run`, sign in at http://127.0.0.1:8000/accounts/login/ as {STUDENT_1}, and open {stream}. "
            f"Sign in as {STUDENT_3} to see the assignment “{ASSIGNMENT_TITLE}” ask for a note before it shows "
            "the classmates' notes on its paper."
        )


def new_user(person):
    return get_user_model()(username=person.username, first_name=person.first_name, last_name=person.last_name)


def check_password(password, users):
    """Django's password validators, for each user that gets it (one may find it too like a name)."""
    problems = []
    for user in users:
        try:
            validate_password(password, user)
        except ValidationError as error:
            problems.extend(message for message in error.messages if message not in problems)
    if problems:
        raise CommandError("That password is refused: " + " ".join(problems))


def bodies():
    for note in NOTES:
        yield note.body
        yield from (reply.body for reply in note.replies)


def find_spans():
    """Each note's passage and span, found in the corpus as loaded, before anything is written."""
    if not Paper.objects.exists():
        raise CommandError(
            "The corpus is not loaded, and the demo's notes quote it: run `make setup` (or "
            "`manage.py load_starter_data`) first. Nothing was written."
        )
    spans = {}
    for note in NOTES:
        passages = Passage.objects.filter(paper__slug=note.paper, text__contains=note.quote)
        if note.theme:
            passages = passages.filter(
                contrast_passages__contrast__theme__in=Theme.objects.published().filter(slug=note.theme)
            )
        # `contains` ignores case on SQLite: the exact words are checked here.
        found = next((p for p in passages.in_reading_order() if note.quote in p.text), None)
        if found is None:
            where = f"the theme {note.theme!r}'s contrasts in " if note.theme else ""
            raise CommandError(
                f"No passage of {where}the paper {note.paper!r} has the words “{note.quote[:60]}…”: the demo "
                "needs the shipped corpus and themes (`make setup`). Nothing was written."
            )
        start = found.text.index(note.quote)
        spans[note] = (found, start, start + len(note.quote))
    return spans


def join(seminar, user, role):
    """A membership with the demo role, saved through the model so that readings.roles syncs the groups."""
    membership, created = Membership.objects.get_or_create(seminar=seminar, user=user, defaults={"role": role})
    if not created and membership.role != role:
        membership.role = role
        membership.save()


def write_assignment(seminar, instructor, rendered) -> int:
    """The demo assignment, made if missing (found by its title: an instructor's edits are kept); 1 if made."""
    if seminar.assignments.filter(title=ASSIGNMENT_TITLE).exists():
        return 0
    now = timezone.now()
    assignment = Assignment(
        seminar=seminar,
        title=ASSIGNMENT_TITLE,
        instructions=ASSIGNMENT_INSTRUCTIONS,
        kind=Assignment.Kind.PAPER,
        paper=Paper.objects.get(slug=ASSIGNMENT_PAPER),
        opens_at=now - timedelta(hours=1),
        due_at=now + ASSIGNMENT_DUE_IN,
        gate=ASSIGNMENT_GATE,
        created_by=instructor,
    )
    assignment.render_markdown(rendered)
    assignment.save()
    return 1


def write_note(note, span, seminar, users, rendered) -> int:
    """The note and its replies, each made only if missing (edited ones are left as they are); how many were made."""
    passage, start, end = span
    author = users[note.author]
    # Found by its quote, not its offsets, which a correction to the passage's text may move.
    annotation = Annotation.objects.filter(author=author, passage=passage, quote=note.quote, parent=None).first()
    made = 0
    if annotation is None:
        annotation = Annotation(
            passage=passage,
            author=author,
            quote=note.quote,
            start=start,
            end=end,
            body=note.body,
            visibility=Annotation.Visibility.PRIVATE if note.private else Annotation.Visibility.SEMINAR,
            seminar=None if note.private else seminar,
        )
        annotation.render_markdown(rendered)
        annotation.save()
        annotation.tags.add(*(Tag.objects.get_or_create(name=name)[0] for name in note.tags))
        made += 1
    for reply in note.replies:
        replier = users[reply.author]
        answer = annotation.replies.filter(author=replier).first()
        if answer is None:
            # A reply is seen by exactly those who see what it answers, as the reply view makes it.
            answer = Annotation(
                passage=passage,
                author=replier,
                parent=annotation,
                visibility=annotation.visibility,
                seminar=annotation.seminar,
                body=reply.body,
            )
            answer.render_markdown(rendered)
            answer.save()
            made += 1
        if reply.notify:
            # The app may have made it already as the reply was saved.
            Notification.objects.get_or_create(recipient=author, kind=Notification.Kind.REPLY, annotation=answer)
    return made
