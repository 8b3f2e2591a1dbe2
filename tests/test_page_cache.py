"""The anonymous page cache: served again without work, never personal, gone as soon as content changes."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.READING_ROOM_PAGE_CACHE = True


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


def test_a_cached_page_costs_one_query(client, contrast, page_cache_on):
    first, cold = queries(client, "/themes/definitions/")
    again, warm = queries(client, "/themes/definitions/")
    assert again.content == first.content and warm == 1 < cold
    assert "Content-Security-Policy" in again.headers


def test_an_edit_is_seen_at_once(client, contrast, page_cache_on):
    client.get("/themes/definitions/")
    contrast.commentary = "Revised commentary."
    contrast.save()
    assert "Revised commentary." in client.get("/themes/definitions/").content.decode()


def test_fragments_and_pages_are_cached_apart(client, contrast, page_cache_on):
    page = client.get("/themes/definitions/contrasts/1/")
    fragment = client.get("/themes/definitions/contrasts/1/", headers={"HX-Request": "true"})
    assert b"<html" in page.content and b"<html" not in fragment.content


def test_signed_in_readers_are_never_served_from_the_cache(client, contrast, student, page_cache_on):
    client.get("/themes/definitions/")
    client.force_login(student)
    response, count = queries(client, "/themes/definitions/")
    assert count > 1
    assert "X-CSRFToken" in response.content.decode()  # rendered for this reader, with their token


def test_no_cached_page_reaches_anyone_when_sign_in_is_required(client, contrast, page_cache_on, settings):
    client.get("/themes/definitions/")
    settings.READING_ROOM_REQUIRE_LOGIN = True
    response = client.get("/themes/definitions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("other", [{"headers": {"Host": "127.0.0.1:6666"}}, {"secure": True}], ids=["port", "https"])
def test_another_host_or_scheme_does_not_poison_the_page(client, official_passage, page_cache_on, settings, other):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    url = official_passage.get_absolute_url()
    client.get(url, **other)
    assert f"http://testserver{url}" in client.get(url).content.decode()  # its citation permalink


def test_a_disallowed_host_gets_400_even_once_the_page_is_cached(client, contrast, page_cache_on):
    client.get("/themes/definitions/")
    assert client.get("/themes/definitions/", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "query", ["?utm_source=mail", "?page=1&page=2", f"?page={'1' * 300}"], ids=["unknown", "repeated", "oversized"]
)
def test_a_query_string_the_page_does_not_read_is_rendered_not_cached(client, theme, page_cache_on, query):
    client.get(f"/themes/{query}")
    again, count = queries(client, f"/themes/{query}")
    assert again.status_code == 200 and count > 1
    assert caches["pages"].entry_count == 0


def test_made_up_htmx_header_values_are_one_page(client, contrast, page_cache_on):
    for value in ("", "1", "no", "TRUE"):
        client.get("/themes/definitions/", headers={"HX-Request": value})
    assert caches["pages"].entry_count == 1


def test_the_whole_corpus_export_is_never_cached(client, official_passage, page_cache_on):
    client.get("/api/corpus.json")
    again, count = queries(client, "/api/corpus.json")
    assert again.status_code == 200 and count > 1
    assert caches["pages"].entry_count == 0


def pages_cache_options(settings, **options):
    pages = settings.CACHES["pages"]
    settings.CACHES = {**settings.CACHES, "pages": {**pages, "OPTIONS": {**pages.get("OPTIONS", {}), **options}}}


def test_a_response_over_the_entry_cap_is_not_cached(client, contrast, page_cache_on, settings):
    pages_cache_options(settings, MAX_ENTRY_BYTES=1000)
    client.get("/themes/definitions/")
    again, count = queries(client, "/themes/definitions/")
    assert again.status_code == 200 and count > 1
    assert caches["pages"].entry_count == 0


def test_the_byte_budget_holds_under_2000_distinct_requests(client, page_cache_on, settings):
    # Every port of an allowed host is allowed, and each is a page of its own: the cheapest
    # way to make up distinct pages, and one the byte budget must hold against too.
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    pages_cache_options(settings, MAX_BYTES=20_000)
    cache, largest = caches["pages"], 0
    for port in range(1, 2001):
        assert client.get("/api/", headers={"Host": f"127.0.0.1:{port}"}).status_code == 200
        largest = max(largest, cache.total_bytes)
    assert largest <= 20_000 and 0 < cache.entry_count < 2000
