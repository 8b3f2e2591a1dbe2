"""Integrity the schema cannot say with plain constraints, enforced by triggers.

A contrast passage's side must match its paper's stance, and a passage's paper must be
its section's paper. Both involve a second table, so CHECK constraints cannot express
them; triggers keep every writer (admin, importer, shell, raw SQL) honest.
"""

from django.db import migrations

WRONG_SIDE = "contrast passage is on the wrong side for its paper's stance"
WRONG_PAPER = "passage paper differs from its section's paper"
STANCE_IN_USE = "paper stance conflicts with the contrast sides its passages are on"

SQLITE = [
    f"""CREATE TRIGGER readings_contrastpassage_side_insert BEFORE INSERT ON readings_contrastpassage
    FOR EACH ROW WHEN NEW.side IS NOT (SELECT p.stance FROM readings_passage ps JOIN readings_paper p ON p.id = ps.paper_id WHERE ps.id = NEW.passage_id)
    BEGIN SELECT RAISE(ABORT, '{WRONG_SIDE.replace("'", "''")}'); END""",
    f"""CREATE TRIGGER readings_contrastpassage_side_update BEFORE UPDATE ON readings_contrastpassage
    FOR EACH ROW WHEN NEW.side IS NOT (SELECT p.stance FROM readings_passage ps JOIN readings_paper p ON p.id = ps.paper_id WHERE ps.id = NEW.passage_id)
    BEGIN SELECT RAISE(ABORT, '{WRONG_SIDE.replace("'", "''")}'); END""",
    f"""CREATE TRIGGER readings_paper_stance_update BEFORE UPDATE OF stance ON readings_paper
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM readings_contrastpassage cp JOIN readings_passage ps ON ps.id = cp.passage_id WHERE ps.paper_id = NEW.id AND cp.side <> NEW.stance)
    BEGIN SELECT RAISE(ABORT, '{STANCE_IN_USE}'); END""",
    f"""CREATE TRIGGER readings_passage_paper_insert BEFORE INSERT ON readings_passage
    FOR EACH ROW WHEN NEW.paper_id IS NOT (SELECT paper_id FROM readings_section WHERE id = NEW.section_id)
    BEGIN SELECT RAISE(ABORT, '{WRONG_PAPER.replace("'", "''")}'); END""",
    f"""CREATE TRIGGER readings_passage_paper_update BEFORE UPDATE ON readings_passage
    FOR EACH ROW WHEN NEW.paper_id IS NOT (SELECT paper_id FROM readings_section WHERE id = NEW.section_id)
    BEGIN SELECT RAISE(ABORT, '{WRONG_PAPER.replace("'", "''")}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS readings_contrastpassage_side_insert",
    "DROP TRIGGER IF EXISTS readings_contrastpassage_side_update",
    "DROP TRIGGER IF EXISTS readings_paper_stance_update",
    "DROP TRIGGER IF EXISTS readings_passage_paper_insert",
    "DROP TRIGGER IF EXISTS readings_passage_paper_update",
]

# ERRCODE 23514 (check_violation) makes Django raise IntegrityError, as for a CHECK.
POSTGRESQL = [
    f"""CREATE FUNCTION readings_contrastpassage_side_check() RETURNS trigger AS $$
    BEGIN
      IF NEW.side IS DISTINCT FROM (SELECT p.stance FROM readings_passage ps JOIN readings_paper p ON p.id = ps.paper_id WHERE ps.id = NEW.passage_id) THEN
        RAISE EXCEPTION '{WRONG_SIDE.replace("'", "''")}' USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER readings_contrastpassage_side BEFORE INSERT OR UPDATE ON readings_contrastpassage
    FOR EACH ROW EXECUTE FUNCTION readings_contrastpassage_side_check()""",
    f"""CREATE FUNCTION readings_paper_stance_check() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM readings_contrastpassage cp JOIN readings_passage ps ON ps.id = cp.passage_id WHERE ps.paper_id = NEW.id AND cp.side <> NEW.stance) THEN
        RAISE EXCEPTION '{STANCE_IN_USE}' USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER readings_paper_stance BEFORE UPDATE OF stance ON readings_paper
    FOR EACH ROW EXECUTE FUNCTION readings_paper_stance_check()""",
    f"""CREATE FUNCTION readings_passage_paper_check() RETURNS trigger AS $$
    BEGIN
      IF NEW.paper_id IS DISTINCT FROM (SELECT paper_id FROM readings_section WHERE id = NEW.section_id) THEN
        RAISE EXCEPTION '{WRONG_PAPER.replace("'", "''")}' USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER readings_passage_paper BEFORE INSERT OR UPDATE ON readings_passage
    FOR EACH ROW EXECUTE FUNCTION readings_passage_paper_check()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS readings_contrastpassage_side ON readings_contrastpassage",
    "DROP FUNCTION IF EXISTS readings_contrastpassage_side_check()",
    "DROP TRIGGER IF EXISTS readings_paper_stance ON readings_paper",
    "DROP FUNCTION IF EXISTS readings_paper_stance_check()",
    "DROP TRIGGER IF EXISTS readings_passage_paper ON readings_passage",
    "DROP FUNCTION IF EXISTS readings_passage_paper_check()",
]


def statements_for(vendor, forward=True):
    if vendor == "sqlite":
        return SQLITE if forward else SQLITE_REVERSE
    if vendor == "postgresql":
        return POSTGRESQL if forward else POSTGRESQL_REVERSE
    raise RuntimeError(f"no integrity triggers written for {vendor}")


def create_triggers(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("readings", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
