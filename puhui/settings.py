"""Settings come from the environment, with working defaults for a developer's machine.

Production (DEBUG=0) refuses to start with the development secrets.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("PUHUI_VAR_DIR", BASE_DIR.parent / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"
DEV_FIELD_KEY = "dev-only-field-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# Key for personal-data encryption and look-up hashes; separate from SECRET_KEY so
# that rotating sessions never makes stored ID numbers unreadable.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", DEV_FIELD_KEY)
# During a key rotation only (`puhui rotate_key`): the previous keys, comma-separated, still accepted for
# decryption and look-up. Remove once the rotation has finished (docs/personal-data.md).
FIELD_ENCRYPTION_OLD_KEYS = [
    k.strip() for k in os.environ.get("FIELD_ENCRYPTION_OLD_KEYS", "").split(",") if k.strip()
]
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or FIELD_ENCRYPTION_KEY == DEV_FIELD_KEY):
    raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY 和 FIELD_ENCRYPTION_KEY，不能使用开发默认值。")
# A strong field key in production: at least 32 characters, not a repeated pattern (e.g. `openssl rand -base64 33`).
if not DEBUG and (len(FIELD_ENCRYPTION_KEY) < 32 or len(set(FIELD_ENCRYPTION_KEY)) < 10):
    raise ImproperlyConfigured(
        "生产环境的 FIELD_ENCRYPTION_KEY 强度不足：至少 32 个字符，且不能是少数字符的重复（可用 openssl rand -base64 33 生成）。"
    )

# The reverse proxies in front of the platform (addresses or networks, comma-separated). Only a request from
# one of them may say who the client is (X-Forwarded-For) and that it came over HTTPS (X-Forwarded-Proto).
PUHUI_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("PUHUI_TRUSTED_PROXIES", "").split(",") if p.strip()
]
try:
    for _proxy in PUHUI_TRUSTED_PROXIES:
        ipaddress.ip_network(_proxy, strict=False)
except ValueError as exc:
    raise ImproperlyConfigured(f"PUHUI_TRUSTED_PROXIES 中有无效的地址或网段：{exc}") from None

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "puhui.core",
    "puhui.registry",
    "puhui.api",
    "puhui.jobs",
    "puhui.imports",
    "puhui.plan",
    "puhui.credit",
    # Before data: its demo records (the listing pipeline, direct financing) feed indicators the data
    # demo computes.
    "puhui.localfin",
    # Before data: their records (流动银行 events, publicity, school bases) feed indicators the data demo computes.
    "puhui.outreach",
    # Before data: the banks' 服务渠道情况表 in the data demo reads the register as the stations' demo leaves it
    # (upgrades, real-time bill pay), and the merchants' and insurers' records feed catalogue figures.
    "puhui.stations",
    "puhui.merchants",
    "puhui.insurance",
    "puhui.data",
    "puhui.demo",
    "puhui.monetary",
    "puhui.policy",
    # After data: their demo reads the banks' loans and guarantees.
    "puhui.risk",
    "puhui.disposal",
    "puhui.protection",
    "puhui.cash",
    "puhui.finder",
    # Small-firm credit (issue #15), after data: they read the banks' loans and the firm register.
    "puhui.firms",
    "puhui.firstloans",
    "puhui.financing",
    # Evaluation (issue #14), after the apps whose figures they read.
    "puhui.bankeval",
    "puhui.cases",
    "puhui.index",  # its demo builds on every other app's data
    "puhui.evaluation",  # after the index: its report reads the published index
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "puhui.core.ratelimit.RetryAfterMiddleware",  # Retry-After on the API's 429 answers
    "puhui.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "puhui.core.security.FieldKeyCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "puhui.core.security.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "puhui.core.middleware.CurrentRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "puhui.urls"
WSGI_APPLICATION = "puhui.wsgi.application"

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
                "puhui.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'puhui.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# Axes' account+address lock-out plus the account back-off (puhui/core/lockout.py), then the password check.
AUTHENTICATION_BACKENDS = ["puhui.core.lockout.PuhuiAxesBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's own, with the Chinese message zh-hans lacks since Django 5.2 renamed the msgid.
    {"NAME": "puhui.core.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保三级: at least 3 of upper case, lower case, digits, symbols.
    {"NAME": "puhui.core.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 8 idle hours or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# HTTPS and browser hardening (`puhui check --deploy` reports nothing with these; docs/security.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading binds the whole parent domain (often the county government's) to HTTPS in every browser for
    # good; that is the domain owner's decision, so it is opt-in and its deploy warning (W021) is silenced.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's health probe may ask over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if PUHUI_TRUSTED_PROXIES:
        # Safe only because the proxy sets (overwrites) X-Forwarded-Proto; see docs/deployment notes.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Lock an account+address out after 5 failures for 30 minutes; and any account after 10 failures from all
# addresses within 15 minutes, for the rest of those 15 minutes (puhui/core/lockout.py, docs/security.md).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "puhui.core.net.client_ip"  # the real client behind PUHUI_TRUSTED_PROXIES
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused attempts neither count nor prolong a lock-out
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure: the account back-off counts them
PUHUI_ACCOUNT_BACKOFF_FAILURES = int(os.environ.get("PUHUI_ACCOUNT_BACKOFF_FAILURES", 10))
PUHUI_ACCOUNT_BACKOFF_MINUTES = int(os.environ.get("PUHUI_ACCOUNT_BACKOFF_MINUTES", 15))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
FORMAT_MODULE_PATH = ["puhui.core.formats"]  # numbers grouped 1,234,567 (Django's zh_Hans: 1234567)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = DEBUG

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}
# The Redis queue (TASKS_BACKEND=django_tasks_rq.RQBackend, extra "redis"): docs/jobs.md.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq"]

# Caches. "default" is per process (derived lists such as the registry's filter choices; nothing that must
# be shared). "shared" is seen by every web worker: the rate-limit counters (puhui/core/ratelimit.py). The
# database cache (table puhui_cache, created by migration core 0005) needs no other service; Redis with
# PUHUI_CACHE=redis (REDIS_URL) takes that write off the database on busy sites.
PUHUI_CACHE = os.environ.get("PUHUI_CACHE", "database")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "puhui",
        }
        if PUHUI_CACHE == "redis"
        else {
            "BACKEND": "puhui.core.ratelimit.DatabaseCache",  # Django's, with an incr that loses no counts
            "LOCATION": "puhui_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
}
# Rate limits, "<count>/<s|m|h|d>" (e.g. "600/5m"); empty or "0" switches one off. docs/security.md.
PUHUI_RATELIMIT_CACHE = "shared"
# Counting every API read in the database cache would make each read a write: per process unless Redis.
PUHUI_RATELIMIT_API_READ_CACHE = "shared" if PUHUI_CACHE == "redis" else "default"
PUHUI_RATE_LOGIN_IP = os.environ.get("PUHUI_RATE_LOGIN_IP", "10/m")  # login POSTs per client address
PUHUI_RATE_LOGIN_USERNAME = os.environ.get("PUHUI_RATE_LOGIN_USERNAME", "20/h")  # per username tried
PUHUI_RATE_IMPORT_USER = os.environ.get("PUHUI_RATE_IMPORT_USER", "20/h")  # upload/import POSTs per user
PUHUI_RATE_API_TOKEN = os.environ.get("PUHUI_RATE_API_TOKEN", "1200/m")  # API requests per token
PUHUI_RATE_API_TOKEN_WRITE = os.environ.get("PUHUI_RATE_API_TOKEN_WRITE", "60/m")  # API writes per token
# The public pages (no sign-in), per client address; a look-up by code gets few tries against guessing.
PUHUI_RATE_COMPLAINT_FILE = os.environ.get("PUHUI_RATE_COMPLAINT_FILE", "5/h")  # complaints filed
PUHUI_RATE_COMPLAINT_TRACK = os.environ.get("PUHUI_RATE_COMPLAINT_TRACK", "20/h")  # complaint code look-ups
PUHUI_RATE_CASH_BOOKING = os.environ.get("PUHUI_RATE_CASH_BOOKING", "5/h")  # cash-service bookings
PUHUI_RATE_CASH_TRACK = os.environ.get("PUHUI_RATE_CASH_TRACK", "20/h")  # booking code look-ups
# 助农取款 daily cash-withdrawal limit per card (元) a station's reported limit is checked against (docs/stations.md).
PUHUI_STATION_DAILY_LIMIT = int(os.environ.get("PUHUI_STATION_DAILY_LIMIT", 1000))
# A form submitted twice (double click) within this many seconds stores one objection / token.
PUHUI_DOUBLE_SUBMIT_SECONDS = int(os.environ.get("PUHUI_DOUBLE_SUBMIT_SECONDS", 60))
# A retried job waits this many seconds, doubled after each failed attempt (puhui/jobs/retries.py).
PUHUI_JOB_RETRY_DELAY = int(os.environ.get("PUHUI_JOB_RETRY_DELAY", 60))
# A task still running after this many hours is taken as lost with its worker: failed, then retried if allowed.
PUHUI_JOB_MAX_RUNTIME = float(os.environ.get("PUHUI_JOB_MAX_RUNTIME", 6))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Import files larger than this are refused before parsing.
PUHUI_IMPORT_MAX_BYTES = int(os.environ.get("PUHUI_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# An .xlsx whose zip parts inflate beyond this is refused before parsing (a small file of huge sheet XML).
PUHUI_IMPORT_MAX_INFLATED_BYTES = int(os.environ.get("PUHUI_IMPORT_MAX_INFLATED_BYTES", 200 * 1024 * 1024))
# Register files up to this size are imported while the page waits; larger ones in a background job.
PUHUI_IMPORT_INLINE_BYTES = int(os.environ.get("PUHUI_IMPORT_INLINE_BYTES", 1024 * 1024))
# Area codes (6 digits, comma-separated) the county's own residents may carry besides its current and historical
# ones: people who moved in from another county keep their ID number (docs/registers.md, 农户). Empty: refused.
PUHUI_EXTRA_AREA_CODES = [
    c.strip() for c in os.environ.get("PUHUI_EXTRA_AREA_CODES", "").replace("，", ",").split(",") if c.strip()
]
for _area in PUHUI_EXTRA_AREA_CODES:
    if not (len(_area) == 6 and _area.isdigit()):
        raise ImproperlyConfigured(f"PUHUI_EXTRA_AREA_CODES 中的“{_area}”不是6位地区代码")
# A household roster import that moves a village's household count by more than this share asks to confirm.
PUHUI_CENSUS_CONFIRM_SHARE = float(os.environ.get("PUHUI_CENSUS_CONFIRM_SHARE") or 0.2)
# Reconciliation (docs/registers.md, 核对): a register figure differing from the bank's report by at least the
# minimum and by more than this share of the reported figure is flagged to the office.
PUHUI_RECONCILE_THRESHOLD = os.environ.get("PUHUI_RECONCILE_THRESHOLD") or "0.1"
PUHUI_RECONCILE_MIN_DIFFERENCE = int(os.environ.get("PUHUI_RECONCILE_MIN_DIFFERENCE") or 2)
# The first handler counts an upload's bytes as they arrive and stops it past the view's size limit.
FILE_UPLOAD_HANDLERS = [
    "puhui.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Data reporting window (puhui.data): the years whose periods are expected from institutions. Unset last
# year = the current year; the demo county (data 2019–2021) runs with PUHUI_DATA_LAST_YEAR=2021.
PUHUI_DATA_FIRST_YEAR = int(os.environ.get("PUHUI_DATA_FIRST_YEAR") or 2019)
PUHUI_DATA_LAST_YEAR = (
    int(os.environ["PUHUI_DATA_LAST_YEAR"]) if os.environ.get("PUHUI_DATA_LAST_YEAR") else None
)
PUHUI_UPLOAD_RETENTION_DAYS = int(
    os.environ.get("PUHUI_UPLOAD_RETENTION_DAYS") or 180
)  # `puhui purge_uploads`

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
