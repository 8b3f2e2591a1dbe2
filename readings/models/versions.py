"""The content version that cached pages key on."""

from django.db import connection, models


class ContentVersion(models.Model):
    """One number that changes whenever anything a reader sees changes: cached pages key on it."""

    value = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"content version {self.value}"

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
