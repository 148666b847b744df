"""A report renders without Python's cyclic garbage collector, which comes back after.

The collector's walks over every object of the process were a third of a
report's render time (see `cyclic_gc_paused`); what an operator cares about is
that the pause covers the render and never outlives it, whatever the threads do.
"""

from __future__ import annotations

import gc
import threading

import pytest

from alignment.report.fetcher import SafeURLFetcher
from alignment.report.render import cyclic_gc_paused, render_report_pdf
from tests.report.conftest import render_kwargs


@pytest.fixture
def collector_during_render(monkeypatch):
    """Whether the collector was on, each time WeasyPrint fetched a file mid-render."""
    seen: list[bool] = []
    fetch = SafeURLFetcher.fetch

    def fetch_and_look(self, url, headers=None):
        seen.append(gc.isenabled())
        return fetch(self, url, headers)

    monkeypatch.setattr(SafeURLFetcher, "fetch", fetch_and_look)
    return seen


@pytest.fixture
def collector_enabled():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_while_a_report_renders_and_back_after(
    minimal, collector_during_render, collector_enabled
):
    pdf = render_report_pdf(minimal, **render_kwargs(signatures=[]))

    assert pdf.startswith(b"%PDF")
    assert collector_during_render, "the render fetched its stylesheet and fonts"
    assert not any(collector_during_render), "the collector was on during the render"
    assert gc.isenabled()


def test_a_collector_that_was_off_before_stays_off(minimal):
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        render_report_pdf(minimal, **render_kwargs(signatures=[]))
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


def test_the_collector_comes_back_when_the_render_fails(collector_enabled):
    with pytest.raises(KeyError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise KeyError("workshop")
    assert gc.isenabled()


def test_overlapping_renders_in_threads_share_one_pause(collector_enabled):
    first_inside, second_done, release_first = (threading.Event() for _ in range(3))
    seen: dict[str, bool] = {}

    def first():
        with cyclic_gc_paused():
            first_inside.set()
            release_first.wait(10)
            seen["first, after the second ended"] = gc.isenabled()

    def second():
        first_inside.wait(10)
        with cyclic_gc_paused():
            seen["second, inside"] = gc.isenabled()
        second_done.set()
        release_first.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert second_done.is_set()
    assert seen == {"second, inside": False, "first, after the second ended": False}
    assert gc.isenabled(), "the last render to end turns the collector back on"
