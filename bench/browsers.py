"""Scenario E: two real browsers on the same step, one adds an answer, the other
shows it.

Playwright drives Debian's Chromium (`/usr/bin/chromium`; without it the
scenario is reported skipped, nothing is downloaded). Each browser context is
signed in with a session cookie from `bench.loadprep`, both open the same step
page and wait until its live connection is up. Then, ten times: the first
types a nonce as a new answer's title and clicks Add; a MutationObserver in
the second notes when the nonce first shows in its page. The time is from just
before the click to that moment (both on the machine's wall clock, in ms):
what a person watching the second screen would see, rendering included.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.stats import median

CHROMIUM = Path("/usr/bin/chromium")
ROUNDS = 10
TIMEOUT_MS = 10_000
# Every text that looks like a nonce, noted with the moment it first shows.
WATCH = """() => {
  window.benchSeen = {};
  const note = () => {
    const now = Date.now();
    for (const nonce of document.body.textContent.match(/bench-e-[0-9]+-[0-9]+/g) || []) {
      if (!(nonce in window.benchSeen)) { window.benchSeen[nonce] = now; }
    }
  };
  new MutationObserver(note).observe(document.body, {childList: true, subtree: true, characterData: true});
  note();
}"""


def two_browsers(port: int, state: dict[str, Any], rounds: int = ROUNDS) -> dict[str, Any]:
    if not CHROMIUM.exists():
        return {"skipped": f"skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"}
    from playwright.sync_api import Error

    try:
        return measure(port, state, rounds)
    except Error as failure:
        return {"failed": f"the browsers could not run: {str(failure).splitlines()[0]}"}


def measure(port: int, state: dict[str, Any], rounds: int) -> dict[str, Any]:
    from playwright.sync_api import Error, sync_playwright

    base = f"http://127.0.0.1:{port}"
    people = state["browsers"]["people"]
    url = f"{base}/w/{state['browsers']['workshop']}/s/{state['step']}/"
    latencies: list[float] = []
    errors = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            writer, watcher = (
                open_page(browser, base, url, state["session_cookie"], person["session"])
                for person in people
            )
            live = watcher.evaluate("() => document.documentElement.dataset.live || 'none'")
            watcher.evaluate(WATCH)
            for number in range(rounds):
                nonce = f"bench-e-{number}-{time.time_ns() % 1_000_000}"
                writer.fill("#add-form [name=new-title]", f"Persona {nonce}")
                sent = time.time() * 1000
                writer.click("#add-form button[type=submit]")
                try:
                    handle = watcher.wait_for_function(
                        "(nonce) => window.benchSeen[nonce]", arg=nonce, timeout=TIMEOUT_MS
                    )
                    latencies.append(handle.json_value() - sent)
                except Error:
                    errors += 1
                # The writer's form is back (emptied) before the next answer.
                writer.wait_for_function(
                    "() => !document.querySelector('#add-form [name=new-title]').value",
                    timeout=TIMEOUT_MS,
                )
        finally:
            browser.close()
    return {
        "rounds": rounds,
        "errors": errors,
        "median_ms": median(latencies),
        "runs_ms": latencies,
        "watcher_live": live,
    }


def open_page(browser, base: str, url: str, cookie: str, session: str):
    context = browser.new_context()
    context.add_cookies([{"name": cookie, "value": session, "url": base}])
    page = context.new_page()
    page.goto(url)
    # The page's live connection is up (or the page fell back to polling).
    page.wait_for_function("() => document.documentElement.dataset.live", timeout=TIMEOUT_MS)
    return page
