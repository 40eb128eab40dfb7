"""Settings, read from the environment (see `.env.example`).

With nothing set the site runs on SQLite with Celery tasks executed in-process, so a newcomer
needs no server. `DATABASE_URL` switches to PostgreSQL and `CELERY_BROKER_URL` (or `REDIS_URL`)
to Redis with real workers. `DJANGO_PRODUCTION=true` turns on the hardened production mode that
passes `manage.py check --deploy`.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY",
        default="development-only-key-never-use-in-production-0123456789abcdefghij",
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules",  # each app loads its own rules in its ready()
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "modellkoncept",
    "accounts",
    "participants",
    "checklist",
    "rounds",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "modellkoncept.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets the services' action log name the signed-in user (`modellkoncept.actions`).
    "modellkoncept.actions.ActorMiddleware",
    # Signed-in pages are kept by no cache: `Cache-Control: private, no-store`.
    "modellkoncept.middleware.PrivatePagesMiddleware",
    # After the user is known, so that its 404 page shows the site as the person sees it.
    "modellkoncept.middleware.NulInPathMiddleware",
    # Every view needs a signed-in user unless it is marked public with `login_not_required`:
    # a forgotten decorator then fails closed, not open.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "modellkoncept.queue.QueueWarningMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change kept in the models' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files are served by the application itself in production (collected at build).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "modellkoncept.urls"
WSGI_APPLICATION = "modellkoncept.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "modellkoncept.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection is kept between requests (checked before reuse) rather than opened for each: a
# new PostgreSQL connection costs its setup and plans its first statements on a cold cache.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one writer in at a time. A transaction that begins by reading and only then
    # writes cannot wait for another writer (SQLite answers "database is locked" at once, a
    # 500), so every transaction takes the write lock as it begins (IMMEDIATE) and waits up to
    # 20 seconds for it: concurrent saves of one draft then queue, and the later ones find the
    # revision changed and are told so (409), as on PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache, for values that are the same for everyone who reads them (and request
# throttling). A deployment with more than one process shares one, CACHE_URL=redis://host:6379/1
# (the default is each process's own memory). Pages are never kept in it.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "modellkoncept.auth.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password reset and invitation links are valid for three days.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# Lock-out after repeated failed sign-ins, keyed on the account and the address together: a
# whole municipality often signs in from one address and must not be locked out by one person.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "modellkoncept.auth.lockout_username"
# The client's address, not the reverse proxy's (modellkoncept/client.py).
AXES_CLIENT_IP_CALLABLE = "modellkoncept.client.client_address"

# The reverse proxies in front of the site (addresses or networks, comma-separated). Only a
# request from one of them has its X-Forwarded-For believed; by default none is.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or a network"
        ) from error

# Throttles on the public application form, counted in the cache per client address and per
# contact e-mail address.
APPLICATION_THROTTLE_PER_ADDRESS = (5, 60 * 60)  # applications, seconds
APPLICATION_THROTTLE_PER_EMAIL = (3, 60 * 60 * 24)

# A working day, not Django's two weeks: the site holds personal data and unpublished assessments.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 9)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["modellkoncept.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Meeting material and the programme library: the largest file taken (bytes).
MATERIAL_MAX_UPLOAD_BYTES = env.int("MATERIAL_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Modellkoncept <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address links in e-mails point to; requests know their own host, tasks do not.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Where the accessibility statement asks people to report what they cannot use.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="info@skr.se")

# Celery: with no broker configured the same code runs in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# How long Redis waits for a worker to acknowledge a task before handing it to another: a
# minute longer than any task may run (the hard time limit), so a running task is never handed
# out twice, and short, so a task reserved by a worker that was killed runs again within minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=50)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000
)  # KiB
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-notices": {
        "task": "rounds.tasks.send_notices",
        "schedule": crontab(hour=7, minute=0),
    },
    "requeue-stalled-reports": {
        "task": "reports.tasks.requeue_stalled_reports",
        "schedule": 60.0,
    },
}
# Report jobs after a lost worker (reports/selectors/jobs.py): a worker beats every
# REPORT_HEARTBEAT_SECONDS while it renders; a running job silent for
# REPORT_RUNNING_STALLED_AFTER, or a job queued REPORT_PENDING_STALLED_AFTER ago and not yet
# taken, has stalled: the page says so and offers to run it again, and the sweep above queues it
# again.
REPORT_HEARTBEAT_SECONDS = 15
REPORT_RUNNING_STALLED_AFTER = 90
REPORT_PENDING_STALLED_AFTER = 5 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Production hardening; `manage.py check --deploy` passes with these.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Only the site's own scripts, styles, images and fonts; Bootstrap draws some icons as data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY_DENY = [
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "interest-cohort",
]
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
