"""Settings for the Soft Power Reading Room, read from the environment with safe local defaults."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool, environ=os.environ) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    # Only for local use: a production deployment must set its own key.
    SECRET_KEY = "django-insecure-local-development-key-not-for-production-use"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "readings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Directly after SecurityMiddleware, as WhiteNoise's documentation asks.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth: a cached anonymous page needs none of them.
    "readings.middleware.anonymous_page_cache",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "readings.middleware.require_login",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Everything is served by the app itself: no inline scripts, no eval, no third-party origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "softpower_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "readings.context_processors.reader_header",
            ],
        },
    },
]

WSGI_APPLICATION = "softpower_site.wsgi.application"

# SQLite in a gitignored file by default; DATABASE_URL (postgres://...) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Keep each thread's connection: opening one (and setting WAL on it) per request costs more
    # than most pages do. PostgreSQL gets a pool instead, which needs CONN_MAX_AGE = 0.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["OPTIONS"] = {
        # Concurrent readers and one writer without "database is locked": WAL, a busy
        # timeout, and IMMEDIATE transactions so a writer takes the lock up front.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {"pool": True}

# Not ATOMIC_REQUESTS: with IMMEDIATE transactions every read would take SQLite's write lock
# for the whole request. Views open a transaction around their writes instead.
DATABASES["default"]["ATOMIC_REQUESTS"] = False

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "reading_room_cache"},
    # Rendered pages for anonymous readers, per process; keys carry the content version. Bounded
    # by bytes in each worker; a response over MAX_ENTRY_BYTES is served but never kept.
    "pages": {
        "BACKEND": "readings.page_cache.ByteBudgetCache",
        "LOCATION": "pages",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_BYTES": 64 * 2**20, "MAX_ENTRY_BYTES": 2**20},
    },
    # A page of search results (passages and excerpts), per process, for every reader signed in or
    # not: keys carry the content version (readings.search.search_passages).
    "search": {
        "BACKEND": "readings.page_cache.ByteBudgetCache",
        "LOCATION": "search",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_BYTES": 16 * 2**20, "MAX_ENTRY_BYTES": 2**20},
    },
}

READING_ROOM_PAGE_CACHE = env_bool("READING_ROOM_PAGE_CACHE", True)
READING_ROOM_SEARCH_CACHE = env_bool("READING_ROOM_SEARCH_CACHE", True)

# The term and counterpoint indexes (readings.analysis.store): after a text edit, "background"
# rebuilds them in a thread of the worker while requests keep the previous index; "inline"
# rebuilds in the caller, for tests and one-off scripts. With nothing stored at all, a corpus of
# at most this many passages is built in the request (the shipped five papers: well under a
# second); a larger one is built in the background while pages say it is being prepared.
READING_ROOM_INDEX_REFRESH = os.environ.get("READING_ROOM_INDEX_REFRESH", "background")
READING_ROOM_INDEX_INLINE_PASSAGES = 5000

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out name or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes, in the database so every app server counts together).
# Five failed sign-ins lock the name, in whatever spelling it is typed, for AXES_COOLOFF_TIME,
# counted from the last of them; the sign-in page says how long. An address gets a much higher
# limit of its own: a whole campus may share one. readings.throttling.SignInHandler counts each
# attempt before its password is checked, so parallel guesses cannot slip past the limit.
AXES_HANDLER = "readings.throttling.SignInHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each with its own limit (see SignInHandler)
READING_ROOM_SIGN_IN_ADDRESS_LIMIT = 100
AXES_USERNAME_CALLABLE = "readings.throttling.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "readings.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "readings.views.accounts.sign_in_locked"
AXES_RESET_ON_SUCCESS = True  # a successful sign-in takes back its own count
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lockout ends when the page says
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not for keeping
# Behind proxies (nginx in the README), how many of ours stand in front of the app servers: the
# client's address is then read from X-Forwarded-For. Off by default, since any client can
# write that header; set it only when the app servers can be reached through the proxy alone.
READING_ROOM_TRUSTED_PROXIES = int(os.environ.get("READING_ROOM_TRUSTED_PROXIES", "0"))

# Password-reset mail: so many to one e-mail address, and so many requests from one client, an hour.
READING_ROOM_PASSWORD_RESET_PER_EMAIL = 3
READING_ROOM_PASSWORD_RESET_PER_ADDRESS = 20
READING_ROOM_PASSWORD_RESET_WINDOW = timedelta(hours=1)

# Join links (/seminars/join/<code>/): an address that opens this many invalid links in the window
# is refused (429) until the window has passed. Valid links are not counted: a whole class behind
# one campus address opens the same link.
READING_ROOM_JOIN_FAILURES_PER_ADDRESS = 20
READING_ROOM_JOIN_WINDOW = timedelta(minutes=15)
# Anyone may create an account at /accounts/signup/ when this is set; otherwise only through a join link.
READING_ROOM_OPEN_SIGNUP = env_bool("READING_ROOM_OPEN_SIGNUP", False)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "readings:home"
LOGOUT_REDIRECT_URL = "readings:home"
# Anonymous visitors may read published themes and papers unless this is set.
READING_ROOM_REQUIRE_LOGIN = env_bool("READING_ROOM_REQUIRE_LOGIN", False)

# Adding a reading from its PDF (readings.pdf_import). An upload larger than this is refused; the
# PDF is read in a subprocess stopped after READING_ROOM_PDF_SECONDS or at a page count over the
# limit; the file waits under READING_ROOM_UPLOAD_DIR (outside the static root) with a random name,
# and only until it has been read. READING_ROOM_PDF_BACKGROUND off reads it within the request
# (the tests, which roll back each test's transaction, where a thread could not see the upload).
READING_ROOM_PDF_MAX_BYTES = int(os.environ.get("READING_ROOM_PDF_MAX_BYTES", 30 * 1024 * 1024))
READING_ROOM_PDF_MAX_PAGES = int(os.environ.get("READING_ROOM_PDF_MAX_PAGES", 1000))
READING_ROOM_PDF_SECONDS = float(os.environ.get("READING_ROOM_PDF_SECONDS", 300))
READING_ROOM_UPLOAD_DIR = Path(os.environ.get("READING_ROOM_UPLOAD_DIR", BASE_DIR / "var" / "uploads"))
READING_ROOM_PDF_BACKGROUND = env_bool("READING_ROOM_PDF_BACKGROUND", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Off only for `make run`, which serves production settings over plain HTTP on 127.0.0.1.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True


def default_mailer(environ, debug: bool) -> dict:
    """MAILERS["default"] from EMAIL_URL (smtp://user:password@host:587) or EMAIL_HOST and its kin.

    With neither: the console in development, so `make run` needs no mail server, and an SMTP
    server on localhost in production, as Django has always assumed (`check --deploy` refuses
    the console there). EMAIL_BACKEND names another backend.
    """
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    timeout = int(environ.get("EMAIL_TIMEOUT", "10"))  # a hung mail server must not hold a worker forever
    if url := environ.get("EMAIL_URL"):
        parts = urlsplit(url)
        if parts.scheme == "console":
            return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if parts.scheme not in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
            raise ImproperlyConfigured("EMAIL_URL must start smtp://, smtp+tls://, smtps:// or console://.")
        ssl = parts.scheme in {"smtps", "smtp+ssl"}
        port = parts.port or (465 if ssl else 587 if parts.scheme == "smtp+tls" else 25)
        options = {
            "host": parts.hostname or "localhost",
            "port": port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": ssl,
            "use_tls": not ssl and (parts.scheme == "smtp+tls" or port == 587),  # 587 is STARTTLS
            "timeout": timeout,
        }
    elif environ.get("EMAIL_HOST"):
        options = {
            "host": environ["EMAIL_HOST"],
            "port": int(environ.get("EMAIL_PORT", "25")),
            "username": environ.get("EMAIL_HOST_USER", ""),
            "password": environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False, environ),
            "use_ssl": env_bool("EMAIL_USE_SSL", False, environ),
            "timeout": timeout,
        }
    elif debug:
        return {"BACKEND": environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
    else:
        options = {"timeout": timeout}
    backend = environ.get("EMAIL_BACKEND", smtp)
    return {"BACKEND": backend, "OPTIONS": options} if backend == smtp else {"BACKEND": backend}


# Django 6.1's MAILERS replaces the EMAIL_BACKEND and EMAIL_HOST settings (deprecated); the
# environment keeps the familiar names.
MAILERS = {"default": default_mailer(os.environ, DEBUG)}
# Where links in emails sent outside a request (manage.py send_notifications) point.
READING_ROOM_SITE_URL = os.environ.get("READING_ROOM_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Soft Power Reading Room <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
