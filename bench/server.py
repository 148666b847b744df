"""The server under load: the ASGI app under uvicorn, 2 workers, on loopback.

It runs as production runs it (the Dockerfile's command: `uvicorn
cvm_align.asgi:application --workers 2`), with the production settings: DEBUG
off, a generated secret key, WhiteNoise serving collected static files,
PostgreSQL, the Redis cache, and the channel layer on Redis pub/sub
(channels-redis' RedisPubSubChannelLayer, chosen by REDIS_URL). Only STATIC_ROOT
points into the run's temporary directory (`bench.load_settings`), and the
cache and the channel layer get the run's own prefix in Redis (`bench.cache`).
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import cache

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2
# Every open page holds a socket in the generator and one in a server worker.
OPEN_FILES = 16384
PLAIN_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def raise_open_files(wanted: int = OPEN_FILES) -> int:
    """Lift this process's limit on open files (the server, started after, inherits
    it); returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment(
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
        # The run's groups in the channel layer, apart from any other server's.
        CHANNEL_PREFIX=os.environ.get(cache.PREFIX_VARIABLE, "cvm-bench"),
        EMAIL_URL="dummy://",
        DEFAULT_FROM_EMAIL="bench@localhost",
        SECURE_SSL_REDIRECT="false",
        MEDIA_ROOT=str(directory / "load-media"),
        BENCH_STATIC_ROOT=str(directory / "load-static"),
        DJANGO_SETTINGS_MODULE="bench.load_settings",
    )
    env.pop("CELERY_RESULT_BACKEND", None)
    return env


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


def start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as log_file:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "cvm_align.asgi:application",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(WORKERS),
                # As the Dockerfile: the room's messages go out as they were rendered.
                "--ws-per-message-deflate",
                "false",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def wait_until_healthy(port: int, server: subprocess.Popen, log: Path) -> None:
    """Until /healthz answers 200 and both workers are up (the supervisor starts
    them one after the other)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited at start; see {log}:\n{tail(log)}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and len(workers(server.pid)) == WORKERS:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"uvicorn did not become healthy in 60 s; see {log}:\n{tail(log)}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def workers(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor `pid` started: its children but
    multiprocessing's resource tracker."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command:
                found.append(child)
    return found


def rss_kb(pids: list[int]) -> int:
    """Resident memory of the processes, summed, in KiB (VmRSS of /proc/<pid>/status)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Disconnected)\b.*")


def errors(log: Path) -> dict[str, Any]:
    """What went wrong in the server, from its log: each exception line with its
    count, and the first traceback whole."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return {}
    found = Counter(line[:300] for line in lines if EXCEPTION.match(line))
    start = next((n for n, line in enumerate(lines) if line.startswith("Traceback")), None)
    first = []
    if start is not None:
        end = next((n for n in range(start + 1, len(lines)) if EXCEPTION.match(lines[n])), start)
        first = lines[start : end + 1]
    return {"exceptions": dict(found.most_common(10)), "first_traceback": "\n".join(first)}


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
