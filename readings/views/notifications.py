"""A reader's notifications (list, open, mark read) and their settings (email or not)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..forms import ReaderSettingsForm
from ..models import Notification, ReaderSettings

NOTIFICATIONS_PAGE_SIZE = 20


def list_url(request):
    """Back to the page of the list the reader was on, when the form said which (a plain path only)."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/notifications/"):
        return back
    return reverse("readings:notifications")


@login_required
@require_safe
def notification_list(request):
    notifications = Notification.objects.for_reader(request.user).select_related(
        "annotation__author",
        "annotation__seminar",
        "annotation__parent",
        "annotation__passage__paper",
        "annotation__passage__section",
    )
    page = Paginator(notifications, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "readings/notifications.html", {"page": page})


def own_notification(request, pk):
    """One of the reader's notifications; anyone else's is not found (404), not forbidden."""
    return get_object_or_404(Notification.objects.for_reader(request.user), pk=pk)


@login_required
@require_safe
def notification_open(request, pk):
    """Following a notification marks it read and goes to the note on its passage's page.

    A GET that writes, as a mail link must be: it only ever sets read_at, once, on the reader's own row.
    """
    notification = own_notification(request, pk)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    annotation = notification.annotation
    return redirect(annotation.get_absolute_url())


@login_required
@require_POST
def notification_read(request, pk):
    notification = own_notification(request, pk)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(list_url(request))


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(list_url(request))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reader_settings(request):
    current = ReaderSettings.for_user(request.user)
    saved = False
    if request.method == "POST":
        form = ReaderSettingsForm(request.POST, instance=current)
        if form.is_valid():
            with transaction.atomic():
                ReaderSettings.objects.update_or_create(
                    user=request.user, defaults={"email_notifications": form.cleaned_data["email_notifications"]}
                )
            saved = True
    else:
        form = ReaderSettingsForm(instance=current)
    return TemplateResponse(request, "readings/settings.html", {"form": form, "saved": saved})
