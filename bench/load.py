"""The load test: gunicorn (2 workers) on PostgreSQL and Redis, on loopback.

The server runs with the production settings (DEBUG off, a generated secret key,
WhiteNoise serving collected static files); only STATIC_ROOT points into the
run's temporary directory (`bench.load_settings`).

The simulated room: `participants` people open the workshop's live step page
and then poll the live-sync endpoint every 2 s, as the page does; the first
`editors` of them also add and edit answers on that step, one change every
8-12 s each (a quarter of the changes add an answer, the rest edit their own).
Every change makes everybody's next poll fetch what changed, so the room is
measured with its pages really syncing. People arrive over `ramp` seconds; after
SETTLE_S more, the budget is judged on the `hold` seconds that follow (0 errors
over the whole run, p99 < 300 ms over the hold).

The generator is plain threads over http.client (one connection per request,
as gunicorn's sync workers close them): no dependency, no monkey-patching, and
exact percentiles from every single sample.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.stats import median, percentile

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
POLL_EVERY_S = 2.0
# After the last arrival, every open page needs one poll to learn who is here now;
# the hold (what the budget judges) starts once that has settled.
SETTLE_S = 2 * POLL_EVERY_S
EDIT_EVERY_S = (8.0, 12.0)
ADD_SHARE = 0.25
TIMEOUT_S = 10.0
TOKEN_PATTERN = re.compile(rb"""hx-vals='\{"v": "([^"]*)\"""")


@dataclass
class Sample:
    at: float  # seconds since the start of the run
    kind: str
    ms: float
    status: int  # 0: no answer (refused, reset, timed out)
    error: str = ""


@dataclass
class Recorder:
    started: float
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(
        self,
        kind: str,
        port: int,
        method: str,
        path: str,
        headers: dict[str, str],
        body: str | None = None,
    ) -> tuple[int, bytes]:
        at = time.monotonic() - self.started
        start = time.perf_counter()
        status, data, error = 0, b"", ""
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
            try:
                conn.request(method, path, body=body, headers={**headers, "Connection": "close"})
                response = conn.getresponse()
                data = response.read()
                status = response.status
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
        ms = (time.perf_counter() - start) * 1000
        with self.lock:
            self.samples.append(Sample(at, kind, ms, status, error))
        return status, data


def is_error(sample: Sample) -> bool:
    return sample.status not in (200, 304)


@dataclass
class Room:
    """One load run: who does what, and when."""

    port: int
    state: dict[str, Any]
    ramp_s: float
    hold_s: float
    recorder: Recorder

    @property
    def stop_at(self) -> float:
        return self.recorder.started + self.ramp_s + SETTLE_S + self.hold_s

    def url(self, suffix: str = "") -> str:
        return f"/w/{self.state['workshop']}/{suffix}"

    def cookies(self, person: dict[str, Any], csrf: str = "") -> str:
        cookie = f"{self.state['session_cookie']}={person['session']}"
        return f"{cookie}; {self.state['csrf_cookie']}={csrf}" if csrf else cookie

    def arrival(self, index: int) -> float:
        return self.recorder.started + self.ramp_s * index / len(self.state["people"])

    def participant(self, index: int, person: dict[str, Any]) -> None:
        """Open the step page, then poll every 2 s with the token it gave."""
        step = self.state["step"]
        headers = {"Cookie": self.cookies(person)}
        sleep_until(self.arrival(index))
        status, body = self.recorder.request(
            "page", self.port, "GET", self.url(f"s/{step}/"), headers
        )
        token = find_token(body) or ""
        headers["HX-Request"] = "true"
        next_at = time.monotonic() + POLL_EVERY_S
        while next_at < self.stop_at:
            sleep_until(next_at)
            query = urlencode({"v": token, "step": step})
            status, body = self.recorder.request(
                "poll", self.port, "GET", self.url(f"poll?{query}"), headers
            )
            if status == 200:
                token = find_token(body) or token
            # Like htmx's `every 2s`: the next poll two seconds after this one was due.
            next_at = max(next_at + POLL_EVERY_S, time.monotonic())

    def editor(self, index: int, person: dict[str, Any]) -> None:
        """Add and edit answers on the step, every 8-12 s, as a leader."""
        step = self.state["step"]
        csrf = secrets.token_hex(16)  # the cookie and header carry the same secret
        headers = {
            "Cookie": self.cookies(person, csrf),
            "X-CSRFToken": csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        item = dict(person["item"])
        chance = random.Random(index)
        next_at = self.arrival(index) + chance.uniform(*EDIT_EVERY_S)
        changes = 0
        while next_at < self.stop_at:
            sleep_until(next_at)
            changes += 1
            if chance.random() < ADD_SHARE:
                form = {"new-title": f"Answer {changes} of editor {index}", "new-description": ""}
                self.recorder.request(
                    "add", self.port, "POST", self.url(f"s/{step}/items"), headers, urlencode(form)
                )
            else:
                prefix = f"edit-{item['id']}"
                form = {
                    f"{prefix}-title": f"Persona of editor {index}, edit {changes}",
                    f"{prefix}-description": f"Edited {changes} times during the bench.",
                    f"{prefix}-version": str(item["version"]),
                }
                status, _body = self.recorder.request(
                    "edit",
                    self.port,
                    "POST",
                    self.url(f"s/{step}/i/{item['id']}/edit"),
                    headers,
                    urlencode(form),
                )
                if status == 200:
                    item["version"] += 1
            next_at += chance.uniform(*EDIT_EVERY_S)

    def run(self, editors: int) -> None:
        threads: list[threading.Thread] = []
        for index, person in enumerate(self.state["people"]):
            threads.append(threading.Thread(target=self.participant, args=(index, person)))
            if index < editors:
                threads.append(threading.Thread(target=self.editor, args=(index, person)))
        for thread in threads:
            thread.daemon = True
            thread.start()
        for thread in threads:
            thread.join(timeout=max(self.stop_at - time.monotonic(), 0) + TIMEOUT_S + 5)


def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def find_token(body: bytes) -> str | None:
    found = TOKEN_PATTERN.search(body)
    return found.group(1).decode() if found else None


def summarize(samples: list[Sample], *, ramp_s: float, hold_s: float) -> dict[str, Any]:
    held = [s for s in samples if s.at >= ramp_s + SETTLE_S]
    errors = [s for s in samples if is_error(s)]
    by_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({s.kind for s in held}):
        times = [s.ms for s in held if s.kind == kind]
        by_kind[kind] = {
            "count": len(times),
            "p50_ms": median(times),
            "p99_ms": percentile(times, 99),
            "max_ms": max(times),
        }
    polls = [s for s in held if s.kind == "poll"]
    times = [s.ms for s in held]
    return {
        "requests": len(samples),
        "hold_requests": len(held),
        "hold_rps": len(held) / hold_s,
        "polls_304_share": sum(1 for s in polls if s.status == 304) / len(polls) if polls else 0,
        "errors": len(errors),
        "error_kinds": dict(
            Counter(f"{s.kind} {s.status or s.error.split(':')[0]}" for s in errors)
        ),
        "p50_ms": median(times),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "max_ms": max(times) if times else 0.0,
        "by_kind": by_kind,
    }


# The server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(
    database_url: str, redis_url: str, broker_url: str, directory: Path
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=broker_url,
        EMAIL_URL="dummy://",
        DEFAULT_FROM_EMAIL="bench@localhost",
        SECURE_SSL_REDIRECT="false",
        MEDIA_ROOT=str(directory / "load-media"),
        BENCH_STATIC_ROOT=str(directory / "load-static"),
        DJANGO_SETTINGS_MODULE="bench.load_settings",
    )
    env.pop("CELERY_RESULT_BACKEND", None)
    return env


def wait_until_healthy(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start; see {log}:\n{tail(log)}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not become healthy in 60 s; see {log}:\n{tail(log)}")


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


PLAIN_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def collect_static(env: dict[str, str], say: Callable[[str], None]) -> str:
    """Collect the static files with the production storage; if that fails, say
    why and fall back to the plain storage (`env` is changed to match).
    Returns a note for the results, empty when production storage worked."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    done = subprocess.run(command, env=env, cwd=BASE_DIR, capture_output=True, text=True)
    if done.returncode == 0:
        return ""
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    reason = next((line for line in lines if "Error" in line), lines[-1] if lines else "")
    note = "collectstatic fails with the production storage; served with the plain storage"
    say(f"load: WARNING: {note}: {reason.strip()}")
    env["BENCH_STATIC_STORAGE"] = PLAIN_STORAGE
    subprocess.run(command, env=env, cwd=BASE_DIR, check=True)
    return f"{note}: {reason.strip()}"


def prep(env: dict[str, str], state_file: Path, participants: int, editors: int) -> None:
    command = [sys.executable, "-m", "bench.loadprep", "--out", str(state_file)]
    command += ["--participants", str(participants), "--editors", str(editors)]
    subprocess.run(command, env=env, cwd=BASE_DIR, check=True)


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as log_file:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cvm_align.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "2",
                # Gunicorn's control socket defaults to one path per user: keep out
                # of the way of any other gunicorn on the machine.
                "--no-control-socket",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def drive(
    port: int, state: dict[str, Any], *, editors: int, ramp_s: float, hold_s: float
) -> dict[str, Any]:
    """Run the room against the server; the summary of every request."""
    load_before = os.getloadavg()[0]
    recorder = Recorder(started=time.monotonic())
    cpu_before = time.process_time()
    Room(port, state, ramp_s, hold_s, recorder).run(editors)
    elapsed = time.monotonic() - recorder.started
    result = summarize(recorder.samples, ramp_s=ramp_s, hold_s=hold_s)
    # The generator and the server share the machine (and so may other people's
    # processes): how much of it the generator took, and how busy it was.
    result.update(
        generator_cpu_share=round((time.process_time() - cpu_before) / elapsed, 3),
        machine_load_before=load_before,
        machine_load_after=os.getloadavg()[0],
    )
    return result


def run_load(
    *,
    database_url: str,
    redis_url: str,
    broker_url: str,
    directory: Path,
    participants: int,
    editors: int,
    ramp_s: float,
    hold_s: float,
    say: Callable[[str], None],
) -> dict[str, Any]:
    env = server_environment(database_url, redis_url, broker_url, directory)
    state_file = directory / "load-state.json"
    say("load: collecting static files")
    static_note = collect_static(env, say)
    say(f"load: seeding, signing in {participants} participants")
    prep(env, state_file, participants, editors)
    state = json.loads(state_file.read_text())
    port = free_port()
    log = directory / "gunicorn.log"
    server = start_server(env, port, log)
    try:
        wait_until_healthy(port, server, log)
        say(
            f"load: gunicorn (2 workers) on {HOST}:{port}; {participants} participants poll "
            f"every {POLL_EVERY_S:g} s, {editors} of them edit; {ramp_s:g} s of arrivals, "
            f"{SETTLE_S:g} s to settle, {hold_s:g} s held"
        )
        result = drive(port, state, editors=editors, ramp_s=ramp_s, hold_s=hold_s)
    finally:
        stop_server(server)
    result.update(
        participants=participants,
        editors=editors,
        ramp_s=ramp_s,
        settle_s=SETTLE_S,
        hold_s=hold_s,
        poll_every_s=POLL_EVERY_S,
        static_storage_note=static_note,
        server_log_tail=tail(log) if result["errors"] else "",
    )
    return result
