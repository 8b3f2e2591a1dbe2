"""A passage's text and figure text are at most PASSAGE_MAX_LENGTH characters, in the database too.

On SQLite, adding a CHECK constraint rebuilds readings_passage under a new name and renames it,
which the triggers of 0002 and 0003 do not survive: those on the table go with it, and SQLite
refuses the rename while those on other tables name a table that is gone. All of them are
dropped before the rebuild and created again after it, with the statements of those
migrations, and the full-text index is rebuilt. The max_length of the two TextFields is the
forms' limit only: it changes no column, so it is recorded in the state alone.
"""

from importlib import import_module

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

integrity = import_module("readings.migrations.0002_integrity_triggers")
search_index = import_module("readings.migrations.0003_search_index")


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*integrity.SQLITE_REVERSE, *search_index.SQLITE_REVERSE]:
        if statement.startswith("DROP TRIGGER"):
            schema_editor.execute(statement)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*integrity.SQLITE, *search_index.SQLITE]:
        if statement.startswith("CREATE TRIGGER"):
            schema_editor.execute(statement)
    schema_editor.execute(f"INSERT INTO {search_index.FTS_TABLE}({search_index.FTS_TABLE}) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [
        ("readings", "0010_markdown_length_limits"),
    ]

    # The triggers are dropped before each rebuild of the table and created after it, both ways.
    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="passage",
                    name="figure_text",
                    field=models.TextField(
                        blank=True,
                        help_text="Words printed inside a figure, kept verbatim as the extraction gave them.",
                        max_length=20000,
                    ),
                ),
                migrations.AlterField(
                    model_name="passage",
                    name="text",
                    field=models.TextField(max_length=20000),
                ),
            ]
        ),
        migrations.AddConstraint(
            model_name="passage",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("text"), 20000
                ),
                name="passage_text_length_capped",
            ),
        ),
        migrations.AddConstraint(
            model_name="passage",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("figure_text"), 20000
                ),
                name="passage_figure_text_length_capped",
            ),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
