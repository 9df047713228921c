"""Settings for the trainer studio, every value read from the environment.

Defaults suit a laptop (SQLite, console e-mail, DEBUG off unless asked);
production differs only by environment variables, listed in .env.example.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example), "
            "or set DEBUG=on for local development."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base for links that leave the site, such as those printed in PDFs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks_db",
    "imbalances",
    "clients",
    "assessments",
    "plans",
    "reports",
    "security",
    "studio",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "security.sessions.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "security.middleware.PrivatePagesMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trainer_site.urls"
WSGI_APPLICATION = "trainer_site.wsgi.application"
ASGI_APPLICATION = "trainer_site.asgi.application"

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
                "django.template.context_processors.csp",
                "clients.context_processors.role",
                "studio.context_processors.studio",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Bounded waits, in seconds (0 leaves the server's or the role's own setting). A row lock
# held elsewhere fails a save after DB_LOCK_TIMEOUT instead of holding a web worker until
# gunicorn kills it (30 s) while every other request queues behind it; a statement ends
# well before that; a transaction left open without a statement gives its locks back.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _timeouts = {
        "lock_timeout": env.int("DB_LOCK_TIMEOUT", default=5),
        "statement_timeout": env.int("DB_STATEMENT_TIMEOUT", default=20),
        "idle_in_transaction_session_timeout": env.int("DB_IDLE_IN_TRANSACTION_TIMEOUT", default=30),
    }
    _limits = " ".join(f"-c {name}={seconds * 1000}" for name, seconds in _timeouts.items() if seconds)
    if _limits:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} {_limits}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate-limit counters and the copies of sessions live here, so every process must see the same
# cache: the database's table (`manage.py createcachetable`) unless CACHE_URL names another
# shared one. Past MAX_ENTRIES the table drops a third of its entries, live counters among them
# (a session dropped is read from its own table): room for thousands of counted requests an hour
# before a flood could wipe anyone's count.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://django_cache?max_entries=10000"),
    # Catalogue content only (never a client's data), keyed on imbalances.services.catalogue_version():
    # each process keeps its own copy, so a form reads the catalogue once per version, not per request.
    "catalogue": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "catalogue",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Accounts
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A portal invitation link stays valid this long (Django's token machinery).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=int(timedelta(days=3).total_seconds()))

# Sessions: written to the database, so that web processes hold no state and a cache that loses
# them signs no one out, and read through the shared cache, whose read is plain SQL where the
# session table's is an ORM query: 0.24 ms less on every signed-in request (0.63 against 0.87 ms,
# bench.compare), for five queries more when the session is renewed (at most once a minute).
# Ending a session goes through the engine (clients.services.user_sessions_end), so that the
# cached copy goes too.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=int(timedelta(hours=4).total_seconds()))
SESSION_ABSOLUTE_LIFETIME = env.int(
    "SESSION_ABSOLUTE_LIFETIME", default=int(timedelta(hours=12).total_seconds())
)

# Brute-force protection: lock one username from one address, for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "security.lockout.username_for_lockout"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failures are rows in the database, so every process counts the same ones.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The client's address for lockouts and rate limits. No header is trusted unless the app
# sits behind this many reverse proxies, each appending the address it received a request
# from to CLIENT_IP_HEADER (see security.lockout.client_address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CLIENT_IP_HEADER = "HTTP_" + env.str("CLIENT_IP_HEADER", default="X-Forwarded-For").upper().replace("-", "_")
AXES_CLIENT_IP_CALLABLE = "security.lockout.client_address"

# Security headers. HTTPS turns on everything that needs TLS in front of the app.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# E-mail
MAILERS = {
    "default": {
        "BACKEND": env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env.str("EMAIL_HOST", default=""),
                "port": env.int("EMAIL_PORT", default=0),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            }.items()
            # Only what is set: the console backend takes no SMTP options.
            if value
        },
    },
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trainer Studio <studio@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Studio admin", email) for email in env.list("ADMIN_EMAILS", default=[])]

# Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
# The product speaks English only: without the translation machinery every date and message a
# template renders skips a catalogue lookup (progress page 0.7 ms faster, bench studio). Dates still
# take en-gb's formats from LANGUAGE_CODE.
USE_I18N = False
USE_TZ = True

# Static and generated files
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    # Rendered PDFs; object storage replaces this by configuration alone.
    "default": {"BACKEND": env.str("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Background work: PDF rendering goes through django.tasks. The immediate backend
# renders in the request; "django_tasks_db.DatabaseBackend" hands it to workers.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend")
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Error reports and logs never carry health notes or anything else people typed.
DEFAULT_EXCEPTION_REPORTER_FILTER = "security.error_reports.HealthDataExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
