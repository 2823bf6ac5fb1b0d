"""Settings for ReformTracker, read from the environment.

Everything has a default that works on a fresh checkout with nothing installed
(SQLite file and kombu's filesystem broker under ./var), so `make run` just
works; production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG=0 and
ALLOWED_HOSTS (see README "Running it for real").
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
# Run from a checkout (manage.py beside the apps) or installed with `pip install .`, when the
# site-wide templates/ and static/ folders are shipped inside this package (setup.py).
FROM_CHECKOUT = (BASE_DIR / "manage.py").is_file()
SITE_DIR = BASE_DIR if FROM_CHECKOUT else Path(__file__).resolve().parent
SITE_TEMPLATES = SITE_DIR / ("templates" if FROM_CHECKOUT else "site_templates")
SITE_STATIC = SITE_DIR / ("static" if FROM_CHECKOUT else "site_static")


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def envlist(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.getenv(name, default).split(",") if v.strip()]


# Runtime data of the zero-config setup (SQLite, broker folders, reports, uploads).
# Installed, the default is ./var under the working directory (never inside site-packages).
DATA_DIR = Path(os.getenv("DATA_DIR", BASE_DIR / "var" if FROM_CHECKOUT else Path.cwd() / "var"))

DEBUG = envbool("DEBUG", "1")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "departments",
    "tasks",
    "deadlines",
    "fixtures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lock-out page
]

ROOT_URLCONF = "reformtracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_TEMPLATES],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "departments.context_processors.roles",
                "deadlines.context_processors.notifications",
            ],
            # {% table_rows %}: the rows of the tables drawn in Python (templates/django_tables2/reformtracker.html)
            # {% pk_url %}: {% url %} of a pattern with one id, reversed once per pattern (reformtracker/links.py)
            "libraries": {"table_rows": "reformtracker.tables", "links": "reformtracker.links"},
        },
    },
]

WSGI_APPLICATION = "reformtracker.wsgi.application"

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
# Persistent connections: a new PostgreSQL connection (fork, authentication, catalog caches) costs
# several milliseconds of both cores on every request. Kept 60 s by default in production, checked
# before reuse so a restarted database costs one failed check, not a 500. Development (DEBUG, or
# SQLite) opens one per request, as Django does by default.
_IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
DATABASES["default"]["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", 0 if DEBUG or _IS_SQLITE else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("CONN_HEALTH_CHECKS", "1")
if _IS_SQLITE:
    # Web, worker and beat share one SQLite file: WAL lets readers go on while
    # one writes, IMMEDIATE takes the write lock up front (no upgrade deadlock),
    # and 20 s of patience rides out a busy moment.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.getenv("TEST_DATABASE_NAME") or None
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # PostgreSQL's JIT compiles any query its planner prices high, such as a free-text search over
    # every task: ~0.1 s of compiling for a query that runs in 0.1 s. A web app's queries never win it back.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Content-Security-Policy (django-csp): every script and style sheet is a file the app serves
# (static/), so no 'unsafe-inline' at all — not for scripts, and not for styles either: the few
# style="" attributes became classes in app.css, and Bootstrap's JavaScript sets styles through
# the CSSOM, which CSP allows. Bootstrap's CSS draws its icons with data: SVGs (img-src data:).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes, reformtracker/auth.py): LOGIN_FAILURE_LIMIT wrong passwords for
# one user name from one address lock that combination out for LOGIN_LOCKOUT_MINUTES (0: until
# the office deletes the attempt in the admin, 访问尝试).
AUTHENTICATION_BACKENDS = [
    "reformtracker.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = (envint("LOGIN_LOCKOUT_MINUTES", 60) / 60) or None  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "reformtracker.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "reformtracker.auth.client_ip"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [SITE_STATIC]
MEDIA_URL = "media/"  # never served directly: evidence files go through permission-checked views
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: plans and evidence files are size-limited by the forms; this keeps
# Django from buffering anything far larger in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PLAN_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Office files are zips of XML: checked before parsing (tasks/importers/limits.py), so a small
# zip bomb or a million-paragraph .docx is refused in a moment instead of holding a worker.
DOCX_MAX_UNCOMPRESSED_BYTES = envint("DOCX_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
DOCX_MAX_DOCUMENT_XML_BYTES = envint("DOCX_MAX_DOCUMENT_XML_BYTES", 30 * 1024 * 1024)
DOCX_MAX_COMPRESSION_RATIO = envint("DOCX_MAX_COMPRESSION_RATIO", 100)
DOCX_MAX_PARAGRAPHS = envint("DOCX_MAX_PARAGRAPHS", 50_000)
DOCX_MAX_TABLE_CELLS = envint("DOCX_MAX_TABLE_CELLS", 50_000)
DOCX_MAX_TEXT_NODE_CHARS = envint("DOCX_MAX_TEXT_NODE_CHARS", 1_000_000)
XLSX_MAX_UNCOMPRESSED_BYTES = envint("XLSX_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
XLSX_MAX_COMPRESSION_RATIO = envint("XLSX_MAX_COMPRESSION_RATIO", 100)

# Security: on when DEBUG is off, so `check --deploy` is clean. Behind a TLS
# proxy set SECURE_PROXY_SSL_HEADER via USE_X_FORWARDED_PROTO=1.
# INSECURE_HTTP=1 is for an intranet served over plain http (no TLS anywhere): browsers never send
# a Secure cookie over http, so login would fail with a CSRF 403. It turns off Secure cookies, the
# redirect to https and HSTS (and `check --deploy` says so, in four warnings).
INSECURE_HTTP = envbool("INSECURE_HTTP", "0")
if not DEBUG:
    SECURE_SSL_REDIRECT = not INSECURE_HTTP and envbool("SECURE_SSL_REDIRECT", "1")
    SESSION_COOKIE_SECURE = not INSECURE_HTTP
    CSRF_COOKIE_SECURE = not INSECURE_HTTP
    SECURE_HSTS_SECONDS = 0 if INSECURE_HTTP else envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = not INSECURE_HTTP
    SECURE_HSTS_PRELOAD = not INSECURE_HTTP
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
if envbool("USE_X_FORWARDED_PROTO", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "改革任务督办 <noreply@localhost>")

# --- Celery -----------------------------------------------------------------
# Default: kombu's filesystem transport, a real broker with no server. Its
# folders are not created by kombu and the control folder is relative to the
# cwd unless set, so every folder is explicit under DATA_DIR.
BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True  # a crashed worker's job is redelivered; the jobs are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Initial schedule; django-celery-beat copies it into the database, where the
# office edits it in the admin (周期任务).
CELERY_BEAT_SCHEDULE = {
    "scan-deadlines-daily": {
        "task": "deadlines.tasks.scan_deadlines",
        "schedule": crontab(hour=7, minute=30),
    },
    # the copies every write keeps, checked against what they copy (tasks.flags.copies_repair):
    # rows written around the ORM are repaired before the morning's scan
    "repair-copies-nightly": {
        "task": "deadlines.tasks.repair_copies",
        "schedule": crontab(hour=3, minute=30),
    },
    "build-monthly-report": {
        "task": "deadlines.tasks.build_monthly_report",
        "schedule": crontab(hour=8, minute=0, day_of_month=1),
    },
    # picks up what an outage (SMTP, webhook, broker) left in the outboxes
    "send-reminders": {
        "task": "deadlines.tasks.send_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # a 督查通报 the broker refused, or no worker picked up, is queued again
    "requeue-stale-reports": {
        "task": "deadlines.tasks.requeue_stale_reports",
        "schedule": crontab(minute="*/5"),
    },
    # the tallies' rows of the last quarter-hour's writes folded (tasks.tallies; nothing to fold:
    # nothing written), so a big import is not summed row by row until the daily scan
    "fold-tallies": {
        "task": "deadlines.tasks.fold_tallies",
        "schedule": crontab(minute="*/15"),
    },
}
REPORT_REQUEUE_MINUTES = envint("REPORT_REQUEUE_MINUTES", 30)

# The cache: by default each process's own memory. CACHE_URL (Redis, e.g. redis://redis:6379/1) makes
# one cache shared by every web process and worker (each process then counts once, not once each;
# on PostgreSQL a change drops the counts kept in every process either way: see below).
CACHE_URL = os.getenv("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}

# Domain defaults (overridable per plan where the model has a field for it).
DUE_SOON_WORKDAYS = envint("DUE_SOON_WORKDAYS", 5)
PROGRESS_DUE_DAY = envint("PROGRESS_DUE_DAY", 5)
ESCALATE_AFTER_DAYS = envint("ESCALATE_AFTER_DAYS", 15)
# The level of the office running this installation (departments.UnitLevel: province/city/district/
# county): rankings over all plans, and of a plan whose issuer names no level, rank its units.
REFORM_OFFICE_LEVEL = os.getenv("REFORM_OFFICE_LEVEL", "district")
# 序时进度: a task whose percent is within this many points of the share of its time gone is 按序时
PACE_TOLERANCE = envint("PACE_TOLERANCE", 10)
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")
# The Word 督查通报: the office that issues it (masthead and 落款), the series of its 期号 and whom it
# is sent to (主送); the office can change each one per issue before it is final.
OFFICE_NAME = os.getenv("OFFICE_NAME", "区委改革办")
BULLETIN_SERIES = os.getenv("BULLETIN_SERIES", "改革督查")
BULLETIN_ADDRESSEE = os.getenv("BULLETIN_ADDRESSEE", "各镇人民政府、街道办事处，区级各部门、各直属单位：")
# Counts over every task — the dashboard's tallies, 单位管理's task counts, the task list's number of
# rows — are kept in the cache under reformtracker.dataversion's number, which every write to the
# counted tables moves (on PostgreSQL by trigger, in every process, whoever wrote): a kept count is
# never older than its rows. These bound how long one is kept; 0 counts afresh on every view (the
# default in development, where SQLite has no trigger and only the ORM's saves move the number).
DASHBOARD_CACHE_SECONDS = envint("DASHBOARD_CACHE_SECONDS", 0 if DEBUG else 300)
COUNT_CACHE_SECONDS = envint("COUNT_CACHE_SECONDS", 0 if DEBUG else 300)

FORM_RENDERER = "reformtracker.widgets.WidgetRenderer"  # Django's, with inputs and selects drawn in Python
DJANGO_TABLES2_TEMPLATE = "django_tables2/reformtracker.html"  # bootstrap5-responsive, rows drawn in one pass
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}
# django-filter: the empty choice of every filter reads 全部, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = "全部"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # 403/404/400 are expected refusals: one line each, no traceback (reformtracker/errors.py)
    "filters": {"refusals": {"()": "reformtracker.errors.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # lock-outs are warnings; every successful login is not worth a line
        "django.request": {"filters": ["refusals"]},
        "django.security.DisallowedHost": {"filters": ["refusals"]},
        "django.security.RequestDataTooBig": {"filters": ["refusals"]},
        "django.security.TooManyFieldsSent": {"filters": ["refusals"]},
        "django.security.TooManyFilesSent": {"filters": ["refusals"]},
    },
}
