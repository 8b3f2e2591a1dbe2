"""Passage redirects, section front matter and notes on sections; then re-align shipped papers' keys.

Issue 14 re-cuts the shipped corpus: three of Edney's paragraphs were each two (split now), the
Kazakh and Russian abstracts' title, author and affiliation lines are front matter (no longer
passages), and section keys made from long titles are cut at a word ("…-with-chinese", not
"…-with-chinese-"). Every key after such a change moves. A database loaded from the old corpus
(a deployed site, with readers' annotations and editors' contrasts) is re-aligned here with the
same code the importer uses (readings.realign, given these historical models): passages keep their
rows by text, the second half of a split paragraph takes the annotations whose span lies in it and
the contrast sides whose commentary quotes it, and each moved key gets a PassageRedirect. A database
without these papers (a new one, a test's) is left alone.

Only the changes that move keys are made here. The texts themselves (a stray fragment removed from a
reference, new editorial notes) come with `manage.py import_corpus --no-dump`, which now matches
passages by text and so keeps every key this migration set.

On SQLite, adding a column to readings_section rebuilds it, which the triggers of 0002 and 0003 do not
survive (see 0011): they are dropped before and created after, as 0011 does.
"""

from importlib import import_module
from types import SimpleNamespace

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone
from django.utils.text import slugify

from readings.realign import NewPassage, NewSection, realign_paper

triggers = import_module("readings.migrations.0011_passage_length_cap")

# (paper, section key, the words ending the first paragraph, the words beginning the second).
SPLITS = [
    (
        "edney-2015",
        "national-security-regime-security-and-soft-power",
        "moving China toward the shared goal of national ‘rejuvenation’.",
        "Although national cohesion is a concept",
    ),
    (
        "edney-2015",
        "national-security-regime-security-and-soft-power",
        "compliance in a society by moral example and persuasion’.",
        "Soft power is also relevant to China’s regime security",
    ),
    (
        "edney-2015",
        "cultural-security-in-china",
        "common assumptions surrounding a concept such as cultural security.",
        "The Sixth Plenum, which focused specifically",
    ),
]
# (paper, abstract section key, how many of its first passages are its front matter, the first's start).
FRONT_MATTER = [
    ("assyl-dauyen-2025", "аңдатпа", 3, "XXI ҒАСЫРДАҒЫ ҚХР МӘДЕНИ ДИПЛОМАТИЯСЫ"),
    ("assyl-dauyen-2025", "аннотация", 3, "КУЛЬТУРНАЯ ДИПЛОМАТИЯ КНР В XXI ВЕКЕ"),
]
# Section keys from titles were slugify(title)[:60]; now cut at a word (readings.importer.title_key,
# frozen here as it was when this migration was written).
OLD_KEY_LENGTH = 60
SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "under", "with"}


def title_key(title):
    slug = slugify(title, allow_unicode=True)
    if len(slug) <= OLD_KEY_LENGTH:
        return slug
    words = slug[: OLD_KEY_LENGTH + 1].split("-")[:-1] or [slug[:OLD_KEY_LENGTH]]
    while len(words) > 1 and words[-1] in SMALL_WORDS:
        words.pop()
    return "-".join(words)


def historical(apps):
    return SimpleNamespace(
        **{
            name: apps.get_model("readings", name)
            for name in ("Passage", "Section", "Annotation", "ContrastPassage", "PassageRedirect")
        }
    )


def planned_sections(models, paper):
    """The paper's sections and passages as they are, with this migration's changes made."""
    used = set(models.Annotation.objects.filter(passage__paper=paper).values_list("passage_id", flat=True))
    used |= set(models.ContrastPassage.objects.filter(passage__paper=paper).values_list("passage_id", flat=True))
    planned = []
    for section in models.Section.objects.filter(paper=paper).order_by("ordinal"):
        passages = list(section.passages.order_by("ordinal"))
        key = section.key
        if len(key) == OLD_KEY_LENGTH and key == slugify(section.title, allow_unicode=True)[:OLD_KEY_LENGTH]:
            key = title_key(section.title)
        new = NewSection(
            key=key,
            title=section.title,
            number=section.number,
            level=section.level,
            lang=section.lang,
            front_matter=section.front_matter,
            passages=[NewPassage(p.kind, p.text, p.lang, p.figure_text) for p in passages],
        )
        for slug, section_key, count, start in FRONT_MATTER:
            front = passages[:count]
            # Only where the passages are still the front matter, and no reader's note or contrast
            # uses them (those stay, rather than lose what is attached to them).
            if (
                (slug, section_key) == (paper.slug, section.key)
                and len(passages) > count
                and front[0].text.startswith(start)
                and not used & {p.pk for p in front}
            ):
                new.front_matter = "\n".join(p.text for p in front)
                new.passages = new.passages[count:]
        for slug, section_key, before, after in SPLITS:
            if (slug, section_key) != (paper.slug, section.key):
                continue
            for i, passage in enumerate(new.passages):
                if f"{before} {after}" in passage.text:
                    first, second = passage.text.split(f"{before} ", 1)
                    new.passages[i : i + 1] = [
                        NewPassage(passage.kind, first + before, passage.lang, passage.figure_text),
                        NewPassage(passage.kind, second, passage.lang),
                    ]
                    break
        planned.append(new)
    return planned


def realign_shipped_papers(apps, schema_editor):
    models = historical(apps)
    Paper = apps.get_model("readings", "Paper")
    when = timezone.now()
    for paper in Paper.objects.all():
        planned = planned_sections(models, paper)
        current = models.Section.objects.filter(paper=paper).order_by("ordinal")
        unchanged = [(s.key, s.passages.count()) for s in current] == [(s.key, len(s.passages)) for s in planned]
        # A paper this migration changes nothing in (any paper but the shipped ones) is not rewritten.
        if not unchanged:
            realign_paper(models, paper, planned, when)


class Migration(migrations.Migration):
    dependencies = [
        ("readings", "0016_pdf"),
    ]

    operations = [
        migrations.RunPython(triggers.drop_sqlite_triggers, triggers.create_sqlite_triggers),
        migrations.AddField(
            model_name="editorialnote",
            name="section",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="editorial_notes",
                to="readings.section",
            ),
        ),
        migrations.AddField(
            model_name="section",
            name="front_matter",
            field=models.TextField(
                blank=True,
                help_text="Lines printed with the section that are not its text (a title, authors and affiliation repeated in another language), one a line; shown above it, not passages.",
            ),
        ),
        migrations.CreateModel(
            name="PassageRedirect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("section_key", models.SlugField(allow_unicode=True, max_length=80)),
                ("ordinal", models.PositiveIntegerField()),
                (
                    "created",
                    models.DateTimeField(
                        default=django.utils.timezone.now, help_text="When the passage left this key."
                    ),
                ),
                (
                    "paper",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="passage_redirects",
                        to="readings.paper",
                    ),
                ),
                (
                    "passage",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="redirects", to="readings.passage"
                    ),
                ),
            ],
            options={
                "ordering": ["paper", "section_key", "ordinal"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("paper", "section_key", "ordinal"), name="passageredirect_old_key_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("ordinal__gte", 1)), name="passageredirect_ordinal_from_1"
                    ),
                ],
            },
        ),
        migrations.RunPython(triggers.create_sqlite_triggers, triggers.drop_sqlite_triggers),
        # Reversing leaves the re-aligned keys: the redirects, which cannot stay, go with their table.
        migrations.RunPython(realign_shipped_papers, migrations.RunPython.noop),
    ]
