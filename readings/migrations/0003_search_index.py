"""The full-text index behind readings.search: FTS5 on SQLite, a GIN expression index on PostgreSQL.

SQLite: an external-content FTS5 table reads passage text from readings_passage itself (no
second copy of the corpus), and triggers keep its index in step with every writer: the ORM,
loaddata, the importer, raw SQL. The tokenizer is unicode61 with diacritics folded, without
the porter stemmer: FTS5 stems a prefix query's term too, so with porter "infiltrati*" finds
nothing while both "infiltr*" and "infiltration" do, and search-as-you-type would blank out in
mid-word. Without stemming a prefix only ever narrows, and the words marked in a snippet are
the words the reader typed.

Any later migration that makes SQLite rebuild readings_passage (most column alterations do)
drops these triggers with the old table, as it drops those of 0002: recreate them after it,
and rebuild the index. tests/test_search.py fails if the index goes out of step.

PostgreSQL: nothing to keep in sync; readings.search.EnglishTextVector must stay the exact
expression indexed here, or the planner cannot use the index.
"""

from django.db import migrations

FTS_TABLE = "readings_passage_fts"

SQLITE = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        text, content='readings_passage', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    )""",
    # An external-content index is told what it held: 'delete' takes the old row's values.
    f"""CREATE TRIGGER readings_passage_fts_insert AFTER INSERT ON readings_passage BEGIN
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"""CREATE TRIGGER readings_passage_fts_delete AFTER DELETE ON readings_passage BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    f"""CREATE TRIGGER readings_passage_fts_update AFTER UPDATE OF id, text ON readings_passage
    WHEN old.id IS NOT new.id OR old.text IS NOT new.text BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS readings_passage_fts_insert",
    "DROP TRIGGER IF EXISTS readings_passage_fts_delete",
    "DROP TRIGGER IF EXISTS readings_passage_fts_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

# The text column is NOT NULL, so no COALESCE: the expression is the one search.py queries with.
POSTGRESQL = [
    "CREATE INDEX readings_passage_text_search ON readings_passage USING gin (to_tsvector('english'::regconfig, text))",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS readings_passage_text_search"]


def statements_for(vendor, forward=True):
    if vendor == "sqlite":
        return SQLITE if forward else SQLITE_REVERSE
    if vendor == "postgresql":
        return POSTGRESQL if forward else POSTGRESQL_REVERSE
    return []


def create_index(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("readings", "0002_integrity_triggers")]

    operations = [migrations.RunPython(create_index, drop_index)]
