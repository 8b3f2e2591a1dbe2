"""The versions that caches key on: the content version (cached pages) and the text version (text indexes)."""

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction


class Version(models.Model):
    """One row (id 1) holding a number that only grows; caches key on it."""

    value = models.PositiveBigIntegerField(default=1)

    class Meta:
        abstract = True

    @classmethod
    def current(cls) -> int:
        # Read on every anonymous request before anything else: plain SQL, no ORM overhead.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls):
        if not cls.objects.filter(pk=1).update(value=models.F("value") + 1):
            cls.objects.get_or_create(pk=1)


class ContentVersion(Version):
    """One number that changes whenever anything a reader sees changes: cached pages key on it."""

    def __str__(self):
        return f"content version {self.value}"


class TextVersion(Version):
    """The version of the texts the term and counterpoint indexes are built from.

    Raised only by what those indexes read (passages, and the sections and papers that give them
    a heading, a stance and a language), once per committed transaction however many rows it
    changed; a theme, contrast or annotation edit leaves it alone, so the indexes stay valid.
    """

    def __str__(self):
        return f"text version {self.value}"

    @classmethod
    def bump_on_commit(cls, using: str = DEFAULT_DB_ALIAS):
        """Raise the version once when the current transaction commits (at once outside a transaction).

        One raise per transaction: an import saving ten thousand passages makes one new version,
        so workers rebuild once. A rolled-back transaction (or savepoint) raises nothing, as its
        on_commit callbacks go with it.
        """
        pending = connections[using].run_on_commit
        if any(callback is _bump_text_version for _, callback, _ in pending):
            return
        transaction.on_commit(_bump_text_version, using=using)


def _bump_text_version():
    TextVersion.bump()


class StoredIndex(models.Model):
    """A built text index (term contrast or counterpoints), pickled and compressed, for the text version it reads.

    In the database rather than a file, so every app server on the same database shares one
    copy and a new worker anywhere loads it instead of rebuilding. `code` is a fingerprint of
    the modules that define the index: after a deploy that changes them, an old pickle is
    never loaded into new code.
    """

    kind = models.CharField(max_length=32)
    version = models.PositiveBigIntegerField()
    code = models.CharField(max_length=64)
    data = models.BinaryField()
    size = models.PositiveBigIntegerField(help_text="Bytes stored (compressed).")
    build_seconds = models.FloatField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version", "code"], name="stored_index_unique_per_version"),
        ]
        indexes = [models.Index(fields=["kind", "code", "-version"], name="stored_index_newest")]

    def __str__(self):
        return f"{self.kind} index for text version {self.version}"
