# Two commands for a fresh machine: `make run` and `make test`; `make setup` is their shared first half.
# Django 6.1 needs Python 3.12 or newer: take the first such interpreter on PATH or in pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
		$(wildcard $(HOME)/.pyenv/versions/3.14*/bin/python3 $(HOME)/.pyenv/versions/3.13*/bin/python3 $(HOME)/.pyenv/versions/3.12*/bin/python3); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run dev test test-load corpus check-deploy load load-pathological bench clean

setup: $(STAMP) node_modules
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_starter_data
	$(PY) manage.py build_indexes
	$(PY) manage.py collectstatic --noinput -v0

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6.1): install one, or name it with PYTHON=..."; exit 1; }
	@# A .venv made with an older Python (before Django 6.1) is made again.
	$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# axe-core, which the browser tests inject into pages; without npm they skip (CI installs npm).
node_modules: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch node_modules; \
	else echo "npm not found: the browser tests will skip (apt-get install nodejs npm)"; fi

# `make run` serves the site as readers get it, DEBUG off (styled error pages, hashed static files),
# over plain HTTP on 127.0.0.1 with a secret key made once and kept in var/ (gitignored); mail goes
# to the console. `make dev` serves with DEBUG on, for developers.
LOCAL_SITE = DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$(cat var/secret-key)" DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_SECURE_COOKIES=0 DJANGO_HSTS_SECONDS=0 EMAIL_URL=console://

run: setup var/secret-key
	$(LOCAL_SITE) $(PY) manage.py collectstatic --noinput -v0
	$(LOCAL_SITE) $(PY) manage.py runserver 127.0.0.1:8000

dev: setup
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

var/secret-key:
	mkdir -p var
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# ruff first: lint and format are part of the suite.
# The server-side tests on every core, a test file per worker (files share their fixtures' data);
# then the browser tests on their own, one Chromium at a time.
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest --numprocesses=auto --dist=loadfile --ignore=tests/browser
	$(VENV)/bin/pytest tests/browser

# The gunicorn load test, which pytest.ini leaves out of `make test`; CI runs it after the suite.
# pytest exits 5 when it selects no test: nothing to run is not a failure here.
test-load: setup
	$(VENV)/bin/pytest -m load || [ $$? -eq 5 ]

# Rebuild fixtures/corpus.json from fixtures/sources and fixtures/curation.json.
corpus: $(STAMP)
	rm -f var/corpus-build.sqlite3*
	mkdir -p var
	DATABASE_URL=sqlite:///var/corpus-build.sqlite3 $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:///var/corpus-build.sqlite3 $(PY) manage.py import_corpus

# Pages at 5 and at 1,000 papers under gunicorn, driven by wrk; the last line is JSON.
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(PY) tests/bench/run.py $(BENCH_ARGS)

# 50 concurrent annotators for 30 seconds against gunicorn on SQLite (loopback only, stops by itself),
# then again with one of them posting the slowest Markdown there is, as long as an annotation may be.
load: $(STAMP)
	$(PY) tests/load/annotators.py --annotators 50 --seconds 30
	$(MAKE) load-pathological

load-pathological: $(STAMP)
	$(PY) tests/load/annotators.py --annotators 50 --seconds 30 --pathological 1

check-deploy: $(STAMP)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdefghij \
		DJANGO_ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var staticfiles test-artifacts node_modules
