"""Fixtures for the handshake library. The shipped library (23 areas, each with a
published version 1) is in every test database, put there by the migrations."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from handshakes.models import FunctionalArea, HandshakeTemplate, Status

_numbers = itertools.count(1)


def content(**overrides) -> dict:
    values = {
        "purpose": "Keeps the shop shelves stocked.",
        "inputs": ["Decides what is in stock", "Sets delivery dates"],
        "outputs": ["Demand forecasts from campaigns"],
        "key_handshakes": ["Forecast volumes", "Reserve stock", "Handle faulty goods"],
        "impact": "LOW",
        "impact_reason": "Only matters where goods are physical.",
        "stages": ["buy", "use_and_fix"],
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_area(db):
    def make(slug: str | None = None, name: str | None = None, order: int = 500):
        number = next(_numbers)
        return FunctionalArea.objects.create(
            slug=slug or f"test-area-{number}", name=name or f"Test area {number}", order=order
        )

    return make


@pytest.fixture
def make_template(make_area):
    def make(area=None, *, version: int = 1, status: str = Status.PUBLISHED, **overrides):
        area = area or make_area()
        now = timezone.now()
        return HandshakeTemplate.objects.create(
            area=area,
            version=version,
            status=status,
            published_at=None if status == Status.DRAFT else now,
            retired_at=now if status == Status.RETIRED else None,
            **content(**overrides),
        )

    return make


@pytest.fixture
def published(make_template, make_area):
    """A published version 1 of a test area."""
    return make_template(make_area(slug="warehouse", name="Warehouse"))
