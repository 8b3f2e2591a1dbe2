"""Playwright fixtures: Debian's Chromium against a live server holding the shipped corpus.

The suite skips, with the reason, when Chromium, Playwright or axe-core is missing; with
CI=true a missing piece fails the run instead, so CI never passes by skipping.
"""

import importlib.util
import os
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SCREENSHOT_TIMEOUT = 20_000  # ms; a whole theme page at phone width is a tall image to encode

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def missing_pieces() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (pip install -r requirements-dev.txt)")
    if not AXE_SCRIPT.exists():
        missing.append(f"{AXE_SCRIPT.relative_to(ROOT)} (npm ci)")
    return missing


MISSING = missing_pieces()


class BrowserSuiteNotRunnable(pytest.Item):
    """Stands in for a test module that needs a missing piece: skips it, or fails it in CI."""

    def runtest(self):
        reason = "browser tests need " + "; ".join(MISSING)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. CI=true: the browser suite must run, not skip.", pytrace=False)
        pytest.skip(reason)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}: browser tests"


class ModuleNeedingMissingPieces(pytest.File):
    def collect(self):
        item = BrowserSuiteNotRunnable.from_parent(self, name="browser-tests")
        item.add_marker(pytest.mark.browser)
        yield item


def pytest_pycollect_makemodule(module_path, parent):
    # Not importing the module at all: it imports playwright, which may be what is missing.
    if MISSING:
        return ModuleNeedingMissingPieces.from_parent(parent, path=module_path)
    return None


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an asyncio loop running on the main thread, which makes
    # Django refuse ORM calls there (the fixtures' loaddata, a test's own queries). Those
    # calls are synchronous all the same, so the check is lifted while the browser is open.
    from playwright.sync_api import expect, sync_playwright  # here, not at the top: this file must import without it

    # Assertions wait as long as actions do: on a loaded two-core machine a full-page reload after a
    # history step can take longer than Playwright's default 5 s, and a wait is not a failure.
    expect.set_options(timeout=10_000)

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def site(live_server, transactional_db, corpus_by_pk):
    """The live server's base URL, serving the shipped corpus and themes.

    corpus_by_pk (tests/conftest.py) is `loaddata corpus themes` saved once by primary key,
    which loads in a fraction of the time the natural keys take.
    """
    call_command("loaddata", str(corpus_by_pk), verbosity=0)
    return live_server.url


def open_page(browser, **options):
    """A page in a fresh context, recording what the console reports as errors.

    Script errors, failed loads and Content-Security-Policy violations all land there.
    """
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and page.problems.append(f"console: {message.text}"))
    return context, page


def checked_page(browser, site, **options):
    """Yield a page; afterwards, fail the test if the page logged an error."""
    context, page = open_page(browser, base_url=site, **options)
    yield page
    problems = page.problems
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def new_page(browser, site):
    """Fresh browser contexts, one per person or size (desktop unless options say otherwise); afterwards,
    none may have logged an error."""
    opened = []

    def make(**options):
        context, page = open_page(browser, base_url=site, **{**DESKTOP, **options})
        opened.append((context, page))
        return page

    yield make
    problems = [problem for _, page in opened for problem in page.problems]
    for context, _ in opened:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(browser, site):
    """A desktop page with JavaScript."""
    yield from checked_page(browser, site, **DESKTOP)


@pytest.fixture
def phone_page(browser, site):
    """A phone-sized page with JavaScript."""
    yield from checked_page(browser, site, **PHONE)


@pytest.fixture
def nojs_page(browser, site):
    """A desktop page with JavaScript off: every control must be a real link or form."""
    yield from checked_page(browser, site, java_script_enabled=False, **DESKTOP)


@pytest.fixture
def axe_page(browser, site):
    """A page for axe-core runs.

    axe is injected by content with add_script_tag, which the site's strict
    Content-Security-Policy (script-src 'self') blocks; bypass_csp lifts the policy for
    these runs only. Every other fixture keeps the policy, so the journeys test it.
    """
    yield from checked_page(browser, site, bypass_csp=True, **DESKTOP)


@pytest.fixture(scope="session")
def axe_source():
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshot():
    """Save a screenshot to test-artifacts/screenshots/<name>.png (gitignored), for people to look at.

    A page is taken whole by default (full_page=False: the first screen, scrolled to the top);
    a locator is taken as just that element.
    """
    from playwright.sync_api import Page

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(target, name, *, full_page=True):
        path = SCREENSHOTS / f"{name}.png"
        if isinstance(target, Page):
            if not full_page:
                target.evaluate("window.scrollTo(0, 0)")
            target.screenshot(path=str(path), full_page=full_page, timeout=SCREENSHOT_TIMEOUT)
        else:
            target.screenshot(path=str(path), timeout=SCREENSHOT_TIMEOUT)
        return path

    return save
