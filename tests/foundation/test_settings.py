"""Settings come from the environment and fail loudly in production mode."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from alignment.report.seal import create_self_signed

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARS}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set while browser tests run
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


_CONFIG_VARS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CSRF_TRUSTED_ORIGINS",
    "MEDIA_ROOT",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "REPORT_SIGNING_P12",
    "REPORT_SIGNING_PASSPHRASE",
    "REPORT_SIGNING_TSA_URL",
}
GOOD_KEY = secrets.token_urlsafe(60)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "cvm.example.com",
    "DATABASE_URL": "sqlite:////tmp/cvm-align-settings-test.sqlite3",
    "EMAIL_URL": "submission://cvm%40example.com:secret@smtp.example.com:587",
    "DEFAULT_FROM_EMAIL": "cvm-align <cvm@example.com>",
}


def test_production_without_secret_key_refuses_to_start_with_one_line():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr


def test_each_malformed_value_is_named():
    result = run_manage(
        "check",
        **{
            **PRODUCTION,
            "DATABASE_URL": "not-a-url",
            "CELERY_BROKER_URL": "http://broker",
            "CSRF_TRUSTED_ORIGINS": "cvm.example.com",
        },
    )
    assert result.returncode != 0
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CSRF_TRUSTED_ORIGINS"):
        assert name in line


def test_a_short_secret_key_is_refused_in_production():
    result = run_manage("check", **{**PRODUCTION, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_checklist_without_warnings(tmp_path):
    # With the organisation's own seal certificate (without one, a warning: see
    # tests/report/test_seal.py).
    seal = create_self_signed(tmp_path / "seal.p12", organisation="Acme", passphrase=b"pass")
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        REPORT_SIGNING_P12=str(seal),
        REPORT_SIGNING_PASSPHRASE="pass",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_runs_on_embedded_defaults_without_any_variable():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_celery_is_eager_without_a_broker_and_real_with_one():
    code = "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
    eager = run_manage("shell", "--no-imports", "-c", code, DEBUG="true")
    assert eager.stdout.split() == ["True", "django.core.cache.backends.locmem.LocMemCache"]
    real = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="true",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert real.stdout.split() == ["False", "django_redis.cache.RedisCache"]


def test_production_without_a_mail_server_refuses_to_start():
    # Invitations and password resets are mailed: without a server nobody could
    # join or recover an account.
    env = {**PRODUCTION}
    del env["EMAIL_URL"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_mail_url_of_an_unknown_kind_is_named():
    result = run_manage("check", **{**PRODUCTION, "EMAIL_URL": "http://mail.example.com"})
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr and "smtp://" in result.stderr


def test_the_mail_url_becomes_djangos_mail_settings():
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER, "
        "s.DEFAULT_FROM_EMAIL)"
    )
    production = run_manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert production.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        "587",
        "True",
        "cvm@example.com",
        "cvm-align",
        "<cvm@example.com>",
    ], production.stderr
    debug = run_manage("shell", "--no-imports", "-c", code, DEBUG="true")
    # `make run` prints the mail to the terminal.
    assert debug.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend"
