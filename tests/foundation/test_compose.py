"""docker-compose.yml cannot run here, so check that it points at real things."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_has_database_cache_web_and_worker():
    services = load_compose()["services"]
    assert set(services) >= {"db", "redis", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])


def test_web_and_worker_share_settings_and_wait_for_a_healthy_database():
    services = load_compose()["services"]
    for name in ("web", "worker"):
        service = services[name]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["DEBUG"] == "false"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert "media:/app/media" in service["volumes"]
    assert services["web"]["environment"] == services["worker"]["environment"]


def test_commands_point_at_modules_that_exist():
    services = load_compose()["services"]
    web = services["web"]["command"]
    assert "python manage.py migrate" in web
    # The ASGI app: HTTP and the live pages' WebSockets.
    asgi = web.split("uvicorn ", 1)[1].split()[0]
    module, attribute = asgi.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    worker = services["worker"]["command"]
    assert worker[:3] == ["celery", "--app", "cvm_align"]
    celery_app = importlib.import_module("cvm_align").celery_app
    assert celery_app.main == "cvm_align"
    assert (ROOT / "manage.py").exists() and (ROOT / "Dockerfile").exists()


def test_every_variable_it_sets_is_documented_and_read():
    services = load_compose()["services"]
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    settings_source = (ROOT / "cvm_align" / "settings.py").read_text()
    for name in services["web"]["environment"]:
        assert name in documented, name
        assert f'"{name}"' in settings_source, name
    assert settings.BASE_DIR == ROOT
