"""Sign-in throttling, password reset and its mail, through the pages people use."""

import math
import os
import re
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-for-tests-1"
FAILURES_ALLOWED = 5  # per account, as the README says
HOME = "10.0.0.1"  # one campus behind one proxy: everyone shares this address
AWAY = "192.0.2.7"


def sign_in(client, username, password, address=HOME, **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def lock_out(client, username, address=HOME):
    for _ in range(FAILURES_ALLOWED):
        sign_in(client, username, "wrong", address)


def minutes_on_page(response) -> int:
    match = re.search(r"[Tt]ry again in (\d+) minutes?", response.content.decode())
    assert match, "the page says how long to wait"
    return int(match[1])


def age_attempts(by: timedelta):
    """Move every recorded sign-in attempt back in time, as if `by` had passed."""
    from axes.models import AccessAttempt

    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - by)


def test_wrong_passwords_lock_the_account_and_the_page_says_so(client, student):
    for _ in range(FAILURES_ALLOWED - 1):
        assert sign_in(client, "student", "wrong").status_code == 200
    last = sign_in(client, "student", "wrong")
    assert last.status_code == 429
    assert "Too many failed attempts" in last.content.decode()
    locked = sign_in(client, "student", PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert 'name="username"' in locked.content.decode()  # the sign-in page, not a bare error


def test_signing_in_counts_against_nothing_and_forgives_earlier_failures(client, settings, student):
    settings.READING_ROOM_SIGN_IN_ADDRESS_LIMIT = 3
    for _ in range(FAILURES_ALLOWED + 1):
        assert sign_in(Client(), "student", PASSWORD).status_code == 302
    for _ in range(2):
        for i in range(FAILURES_ALLOWED - 1):
            assert sign_in(client, "student", "wrong", address=f"192.0.2.{i}").status_code == 200
        assert sign_in(Client(), "student", PASSWORD, address=AWAY).status_code == 302


@pytest.mark.parametrize("spelling", ["ｓｔｕｄｅｎｔ", "𝐬𝐭𝐮𝐝𝐞𝐧𝐭", "𝓈𝓉𝓊𝒹ℯ𝓃𝓉"], ids=["fullwidth", "bold", "script"])
def test_every_spelling_of_a_locked_name_is_locked(client, student, spelling):
    lock_out(client, "student")
    # From another address too: the name is what is locked, in every form Django's form reads as it.
    response = sign_in(client, spelling, PASSWORD, address=AWAY)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_account_does_not_lock_others_behind_the_same_address(client, student, classmate):
    lock_out(client, "student")
    assert sign_in(client, "student", PASSWORD).status_code == 429
    assert sign_in(Client(), "classmate", PASSWORD).status_code == 302


def test_the_lockout_lasts_exactly_what_the_page_says(client, student):
    lock_out(client, "student")
    minutes = minutes_on_page(sign_in(client, "student", PASSWORD))
    assert timedelta(minutes=minutes) == settings.AXES_COOLOFF_TIME

    age_attempts(timedelta(minutes=minutes) - timedelta(minutes=1))
    assert minutes_on_page(sign_in(client, "student", PASSWORD)) == 1

    age_attempts(timedelta(minutes=1) - timedelta(seconds=1))  # one second to go
    assert sign_in(client, "student", PASSWORD).status_code == 429

    age_attempts(timedelta(seconds=2))
    assert sign_in(client, "student", PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("spread", [False, True], ids=["one-client", "many-addresses-and-browsers"])
def test_parallel_guesses_stop_at_exactly_the_allowed_number(student, spread):
    guesses = 16
    statuses = []
    start = threading.Barrier(guesses)

    def guess(i):
        # Spread out, every guess is counted in a record of its own (name, address, browser).
        client = Client(HTTP_USER_AGENT=f"guesser {i}") if spread else Client()
        start.wait()
        try:
            statuses.append(sign_in(client, "student", "wrong", address=f"10.3.0.{i}" if spread else HOME).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Exactly the allowed guesses were checked against the password, the last of them told of the
    # lockout; every other one was refused unchecked.
    assert sorted(statuses) == [200] * (FAILURES_ALLOWED - 1) + [429] * (guesses - FAILURES_ALLOWED + 1)
    from axes.models import AccessAttempt

    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == FAILURES_ALLOWED
    assert sign_in(Client(), "student", PASSWORD).status_code == 429


def test_junk_attempts_under_random_names_do_not_lift_a_lockout(client, student):
    lock_out(client, "student")
    for i in range(320):
        sign_in(client, f"visitor-{i:03d}", "wrong", address=f"10.1.{i // 200}.{i % 200 + 1}")
    assert sign_in(client, "student", PASSWORD, address=AWAY).status_code == 429


def test_an_address_has_its_own_much_higher_limit(client, settings, student, classmate):
    settings.READING_ROOM_SIGN_IN_ADDRESS_LIMIT = 10
    for i in range(9):
        sign_in(client, f"guess-{i}", "wrong")
    assert sign_in(Client(), "classmate", PASSWORD).status_code == 302  # nine failures lock no one else
    sign_in(client, "guess-9", "wrong")
    assert sign_in(Client(), "student", PASSWORD).status_code == 429
    assert sign_in(Client(), "student", PASSWORD, address=AWAY).status_code == 302


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(settings, student, classmate):
    settings.READING_ROOM_SIGN_IN_ADDRESS_LIMIT = 5
    proxy = {"address": "10.9.9.9"}
    for i in range(5):
        sign_in(Client(), f"guess-{i}", "wrong", **proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    # Untrusted, the header is the client's say-so: everyone behind the proxy is one address.
    assert sign_in(Client(), "classmate", PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429

    settings.READING_ROOM_TRUSTED_PROXIES = 1
    for i in range(5):
        # What a client writes itself stays on the left; the proxy appends the address it saw.
        forged = f"203.0.113.{i}, 198.51.100.3"
        sign_in(Client(), f"other-{i}", "wrong", **proxy, HTTP_X_FORWARDED_FOR=forged)
    assert sign_in(Client(), "student", PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 429
    assert sign_in(Client(), "classmate", PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
    # A header the proxy did not write in the expected shape: the proxy's own address counts.
    junk = sign_in(Client(), "student", "wrong", address="10.9.9.8", HTTP_X_FORWARDED_FOR="not-an-address")
    assert junk.status_code == 200


# Password reset


@pytest.fixture
def student_email(student):
    student.email = "student@example.org"
    student.save(update_fields=["email"])
    return student.email


def ask_for_reset(client, email, address=HOME):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_a_forgotten_password_is_reset_through_the_sites_own_pages(client, mailoutbox, student_email):
    site_page = 'id="main"'  # base.html, not the admin's look
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").content.decode()
    assert site_page in client.get("/accounts/password_reset/").content.decode()
    sent = ask_for_reset(client, student_email)
    assert sent.status_code == 302
    assert site_page in client.get(sent["Location"]).content.decode()
    assert [message.to for message in mailoutbox] == [[student_email]]

    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mailoutbox[0].body)[1]
    form = client.get(link, follow=True)
    assert site_page in form.content.decode()
    new = "another-long-password-2"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert site_page in done.content.decode()
    assert sign_in(Client(), "student", new).status_code == 302


def test_password_reset_mails_to_one_address_are_limited(client, mailoutbox, student_email):
    limit = settings.READING_ROOM_PASSWORD_RESET_PER_EMAIL
    for i in range(limit):
        assert ask_for_reset(client, student_email, address=f"10.2.0.{i + 1}").status_code == 302
    # Another spelling of the same address, from yet another client, counts the same.
    refused = ask_for_reset(client, "Student@ＥＸＡＭＰＬＥ.org", address=AWAY)
    assert refused.status_code == 429
    assert 0 < minutes_on_page(refused) <= math.ceil(settings.READING_ROOM_PASSWORD_RESET_WINDOW.total_seconds() / 60)
    assert "Too many password-reset requests" in refused.content.decode()
    assert len(mailoutbox) == limit


def test_password_reset_requests_from_one_address_are_limited(client, mailoutbox, student_email):
    limit = settings.READING_ROOM_PASSWORD_RESET_PER_ADDRESS
    for i in range(limit):
        assert ask_for_reset(client, f"someone-{i}@example.org").status_code == 302
    assert ask_for_reset(client, student_email).status_code == 429
    assert ask_for_reset(client, student_email, address=AWAY).status_code == 302
    assert [message.to for message in mailoutbox] == [[student_email]]


# Mail settings


def test_mail_goes_to_the_console_when_nothing_is_configured():
    env = {key: value for key, value in os.environ.items() if not key.startswith("EMAIL_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "sendtestemail", "someone@example.org"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Subject: Test email from" in result.stdout


def test_mail_settings_come_from_the_environment():
    from softpower_site.settings import default_mailer

    smtp = "django.core.mail.backends.smtp.EmailBackend"
    mailer = default_mailer({"EMAIL_URL": "smtp://reading%40example.org:p%40ss@mail.example.org:587"}, debug=True)
    assert mailer["BACKEND"] == smtp
    options = mailer["OPTIONS"]
    assert (options["host"], options["port"]) == ("mail.example.org", 587)
    assert (options["username"], options["password"]) == ("reading@example.org", "p@ss")
    assert options["use_tls"] and not options["use_ssl"]
    assert default_mailer({"EMAIL_URL": "smtps://mail.example.org"}, debug=False)["OPTIONS"]["use_ssl"]

    separate = default_mailer(
        {"EMAIL_HOST": "mail.example.org", "EMAIL_PORT": "2525", "EMAIL_USE_TLS": "1"}, debug=False
    )
    assert (separate["BACKEND"], separate["OPTIONS"]["port"], separate["OPTIONS"]["use_tls"]) == (smtp, 2525, True)

    assert default_mailer({}, debug=True)["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert default_mailer({}, debug=False)["BACKEND"] == smtp  # check --deploy refuses the console
