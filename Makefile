# Two commands for a fresh machine: `make run` and `make test`; `make setup` is their shared first half.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test corpus check-deploy load bench clean

setup: $(STAMP) node_modules
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_starter_data
	$(PY) manage.py collectstatic --noinput -v0

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# axe-core, which the browser tests inject into pages; without npm they skip (CI installs npm).
node_modules: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch node_modules; \
	else echo "npm not found: the browser tests will skip (apt-get install nodejs npm)"; fi

run: setup
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(VENV)/bin/pytest

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

# 50 concurrent annotators for 30 seconds against gunicorn on SQLite (loopback only, stops by itself).
load: $(STAMP)
	$(PY) tests/load/annotators.py --annotators 50 --seconds 30

check-deploy: $(STAMP)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdefghij \
		DJANGO_ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var staticfiles test-artifacts node_modules
