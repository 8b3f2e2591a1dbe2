"""Forms of seminar management: a seminar's name, adding members one at a time or from CSV, roles, sign-up."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Q

from . import membership_import
from .models import Seminar
from .roles import Role

WHO_MAX_LENGTH = membership_import.EMAIL_MAX_LENGTH


class SeminarForm(forms.ModelForm):
    """A seminar's name; the slug is made once, at creation, so that links to the seminar never break."""

    class Meta:
        model = Seminar
        fields = ["name"]
        labels = {"name": "Name of the seminar"}
        help_texts = {"name": "As members see it, such as “Soft power, spring 2027”."}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("A seminar needs a name.")
        return name


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Role")
        super().__init__(choices=Role.choices, initial=Role.STUDENT, **kwargs)


class AddMemberForm(forms.Form):
    who = forms.CharField(
        label="Username or email",
        max_length=WHO_MAX_LENGTH,
        help_text="Someone who has an account already. To create accounts, add them from CSV lines below.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}),
    )
    role = RoleField()

    def __init__(self, *args, seminar, **kwargs):
        super().__init__(*args, **kwargs)
        self.seminar = seminar

    def clean_who(self):
        who = self.cleaned_data["who"].strip()
        # An exact username first; an email names one account only if no other account shares it.
        users = list(get_user_model().objects.filter(Q(username=who) | Q(email__iexact=who)).order_by("pk")[:3])
        user = next((u for u in users if u.username == who), None)
        if user is None and len(users) == 1:
            user = users[0]
        if user is None:
            raise ValidationError(
                f"No account has the username or email “{who}”"
                + (" alone" if users else "")
                + ": check the spelling, or create the account from a CSV line below."
            )
        if self.seminar.memberships.filter(user=user).exists():
            raise ValidationError(f"{user.get_username()} is a member already: change their role in the list.")
        self.user = user
        return who


class BulkAddForm(forms.Form):
    lines = forms.CharField(
        label="People to add, one per line",
        help_text=f"username,email,full name,role — role is instructor or student (student if left out). "
        f"Accounts that do not exist yet are created and sent an email to choose their password. "
        f"At most {membership_import.MAX_LINES} lines.",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "wide", "autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_lines(self):
        text = self.cleaned_data["lines"].replace("\x00", "")
        self.report = membership_import.read(text)
        if self.report.refused:
            raise ValidationError(self.report.refused)
        if self.report.errors:
            # The list of bad lines (templates/readings/seminar_members.html) describes the box too.
            self.fields["lines"].widget.attrs["aria-describedby"] = "id_lines_helptext id_lines_error import-report"
            bad = len(self.report.errors)
            raise ValidationError(
                f"{bad} line{'s' if bad != 1 else ''} cannot be added (listed below); nobody was added. "
                "Correct the lines and add them again."
            )
        return text


class RoleChangeForm(forms.Form):
    role = RoleField(label="New role")


class SignUpForm(UserCreationForm):
    """An account of one's own: username (none that differs from another only in case), email and a password
    the AUTH_PASSWORD_VALIDATORS accept."""

    email = forms.EmailField(
        label="Email",
        max_length=membership_import.EMAIL_MAX_LENGTH,
        help_text="For notifications and password reset.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        fields = ["username", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account with this email exists already: sign in to it, or reset its password if you forgot it."
            )
        return email
