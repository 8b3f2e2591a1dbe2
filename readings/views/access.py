"""Who reaches a seminar's pages: to anyone who is not a member (or, for instructors' pages, not an
instructor of it), staff included, the seminar does not exist: 404, never 403, so slugs leak nothing."""

from django.shortcuts import get_object_or_404

from ..models import Membership, Role


def seminar_of_member(request, slug):
    """The seminar and the reader's membership of it."""
    membership = get_object_or_404(
        Membership.objects.select_related("seminar"), seminar__slug=slug, user=request.user.pk
    )
    return membership.seminar, membership


def seminar_of_instructor(request, slug):
    """The seminar, to an instructor of it."""
    membership = get_object_or_404(
        Membership.objects.select_related("seminar"), seminar__slug=slug, user=request.user.pk, role=Role.INSTRUCTOR
    )
    return membership.seminar
