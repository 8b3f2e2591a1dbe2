from django.db import migrations, models


def first_text_version(apps, schema_editor):
    apps.get_model("readings", "TextVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("readings", "0017_texts"),
    ]

    operations = [
        migrations.CreateModel(
            name="TextVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.PositiveBigIntegerField(default=1)),
            ],
        ),
        # The one row every text change updates.
        migrations.RunPython(first_text_version, migrations.RunPython.noop),
        migrations.CreateModel(
            name="StoredIndex",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=32)),
                ("version", models.PositiveBigIntegerField()),
                ("code", models.CharField(max_length=64)),
                ("data", models.BinaryField()),
                ("size", models.PositiveBigIntegerField(help_text="Bytes stored (compressed).")),
                ("build_seconds", models.FloatField()),
                ("built_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "version", "code"), name="stored_index_unique_per_version")
                ],
                "indexes": [models.Index(fields=["kind", "code", "-version"], name="stored_index_newest")],
            },
        ),
    ]
