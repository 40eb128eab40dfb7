"""The production mode of the settings: `check --deploy` passes, and no secret means no start.

Each check runs `manage.py` in a fresh interpreter, since settings are read once per process. The
subprocess keeps the parent's environment (PATH, locale) but drops every variable the settings read,
so a developer's shell or CI's DATABASE_URL cannot change the outcome, and it skips the `.env` file
that the settings would otherwise read, which may hold a local secret or DEBUG=true.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Runs manage.py as `python manage.py ...` would, with django-environ's `.env` reading switched off.
RUN_MANAGE_WITHOUT_DOTENV = """
import runpy, sys
import environ
environ.Env.read_env = lambda *args, **kwargs: None
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""

SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
    "SESSION_COOKIE_AGE",
    "INVITATION_VALID_DAYS",
    "CACHE_URL",
)


def run_manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_")) and key not in SETTINGS_VARIABLES
    }
    env["DJANGO_SETTINGS_MODULE"] = "modellkoncept.settings"
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - a fixed command line, no user input
        [sys.executable, "-c", RUN_MANAGE_WITHOUT_DOTENV, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_without_warnings_in_production_mode():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_PRODUCTION="true",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="modellkoncept.example.se",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        DJANGO_PRODUCTION="true",
        DJANGO_ALLOWED_HOSTS="modellkoncept.example.se",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
