"""Seminars and their members' roles."""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from ..roles import Role, sync_roles_of

JOIN_CODE_BYTES = 24  # 32 URL-safe characters: not guessable, and join attempts are rate-limited too


def new_join_code() -> str:
    return secrets.token_urlsafe(JOIN_CODE_BYTES)


class SeminarQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def instructed_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.INSTRUCTOR)


class Seminar(models.Model):
    """People reading together: shared annotations are shared within a seminar."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="seminars")
    # An archived seminar is read-only: its members still read it, nobody writes in it.
    archived_at = models.DateTimeField(null=True, blank=True)
    # The join link: /seminars/join/<code>/. Regenerating the code kills the old link; turning the
    # link off keeps the code for when it is turned on again.
    join_code = models.CharField(max_length=64, unique=True, default=new_join_code, editable=False)
    join_enabled = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now, editable=False)

    objects = SeminarQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(join_code=""), name="seminar_join_code_not_empty"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class MembershipQuerySet(models.QuerySet):
    """Bulk writes send no signals: these two sync the roles of the users they touch themselves.

    (Saves and deletes, QuerySet.delete() and the cascades from a seminar or user included, send
    signals that readings.signals answers; a seminar's members.add() goes through bulk_create.)
    """

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            before = dict(self.values_list("pk", "user_id"))
            count = super().update(**kwargs)
            after = self.model._base_manager.filter(pk__in=before).values_list("user_id", flat=True)
            sync_roles_of(set(before.values()) | set(after))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            sync_roles_of({membership.user_id for membership in created})
        return created


class Membership(models.Model):
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["seminar", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["seminar", "user"], name="membership_once_per_seminar"),
            models.CheckConstraint(condition=Q(role__in=["instructor", "student"]), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} in {self.seminar} ({self.get_role_display()})"
