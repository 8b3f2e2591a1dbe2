"""Security defaults: the Content-Security-Policy, production settings and sanitized Markdown."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from readings.markdown import render_markdown

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_content_security_policy(client, official_passage):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_404_page_also_has_the_policy(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789-abcdefgh",
        "DJANGO_ALLOWED_HOSTS": "reading-room.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        '<div hx-get="/admin/" hx-trigger="load">x</div>',
        "<iframe src='https://example.org'></iframe>",
        "<style>body{display:none}</style>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<svg onload=alert(1)>",
        "<scr<script>ipt>alert(1)</script>",
    ],
)
def test_markdown_is_rendered_inert(source):
    html = render_markdown(source).lower()
    for danger in (
        "<script",
        "javascript:",
        "onerror",
        "onclick",
        "onload",
        "hx-",
        "<iframe",
        "<style",
        "data:text",
        "<svg",
    ):
        assert danger not in html, (source, html)


def test_make_run_serves_production_settings_over_local_http():
    # `make run` shows readers' pages (styled 404/500, hashed static files): DEBUG off, but over
    # plain HTTP on 127.0.0.1, so no redirect to HTTPS and cookies that HTTP may carry.
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    local_site = makefile.split("LOCAL_SITE = ", 1)[1].split("\n\n", 1)[0]
    assert "DJANGO_DEBUG=0" in local_site and "$(LOCAL_SITE) $(PY) manage.py runserver" in makefile
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-local-secret-key-made-once-by-make-run-0123456789-abcdefghijklmnop",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "softpower_site.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "False", "False", "False"], result.stderr


def test_htmx_injects_no_inline_styles_and_the_stylesheet_styles_its_indicators(client):
    # An inline <style> from htmx would break the policy (style-src 'self') after every swap.
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    stylesheet = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert ".htmx-request .htmx-indicator" in stylesheet
