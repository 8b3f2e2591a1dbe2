"""Accounts: sign-out, the sign-in lockout page, the rate-limited password reset and reader settings."""

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LogoutView, PasswordResetView
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone

from .. import throttling


def sign_in_locked(request, response, credentials=None):
    """The sign-in page again, saying for how long sign-in is locked (django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = throttling.sign_in_lockout_minutes(request, credentials)
    context = getattr(response, "context_data", None) or {"form": AuthenticationForm(request)}
    # Rendered here: axes' middleware hands this back after the view, too late to render it lazily.
    locked = render(request, "registration/login.html", {**context, "locked": True, "minutes": minutes}, status=429)
    locked["Retry-After"] = str(minutes * 60)
    return locked


class LimitedPasswordResetView(PasswordResetView):
    """Django's password reset, sending no more mail than readings.throttling allows."""

    def form_valid(self, form):
        wait = throttling.password_reset_wait(self.request, form.cleaned_data["email"])
        if wait is None:
            return super().form_valid(form)
        minutes = throttling.minutes_until(timezone.now() + wait)
        response = self.render_to_response(self.get_context_data(form=form, limited=True, minutes=minutes))
        response.status_code = 429
        response["Retry-After"] = str(minutes * 60)
        return response


class SignOutView(LogoutView):
    """Django's sign-out, by POST; a GET (a typed or bookmarked address) shows the button, not a 405."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request, *args, **kwargs):
        return TemplateResponse(request, "registration/logout.html")
