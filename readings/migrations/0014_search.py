"""The full-text index stems words: FTS5's porter tokenizer over unicode61, diacritics folded;
and it indexes three-letter prefixes.

`infiltrate` then finds passages saying "infiltration", as PostgreSQL's `english` configuration
(migration 0003's GIN index, unchanged) already did. The table and its triggers are made as in
0003 with only the tokenizer changed, and the index is rebuilt from readings_passage.

FTS5 stems a prefix query's term as well, so a prefix must reach a whole stem to match: "infiltr*"
and "infiltration*" find "infiltration", "infiltrati*" does not; PostgreSQL's `:*` prefixes
behave the same. Any later migration that makes SQLite rebuild readings_passage must drop and
recreate these triggers (the statements here, not 0003's), as 0011 did.
"""

from importlib import import_module

from django.db import migrations

search_index = import_module("readings.migrations.0003_search_index")

FTS_TABLE = search_index.FTS_TABLE
UNSTEMMED = "tokenize='unicode61 remove_diacritics 2'"
# The prefix index of the first three letters of every stem: a three-letter prefix ("con*") is
# then one lookup, where FTS5 would otherwise merge the lists of the hundreds of terms it
# begins (45 ms a prefix at 1,000 papers, 0.6 ms with the index, for 75% more index).
STEMMED = "tokenize='porter unicode61 remove_diacritics 2', prefix='3'"

assert UNSTEMMED in search_index.SQLITE[0]
SQLITE = [statement.replace(UNSTEMMED, STEMMED) for statement in search_index.SQLITE]
SQLITE_REVERSE = search_index.SQLITE_REVERSE


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("readings", "0013_seminars_run_by_instructors")]

    operations = [
        migrations.RunPython(run([*SQLITE_REVERSE, *SQLITE]), run([*SQLITE_REVERSE, *search_index.SQLITE])),
    ]
