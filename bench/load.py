"""The load test (`--load`): the live workshop on push, under a crowd of pages.

One server (`bench.server`: uvicorn, 2 workers, production settings, PostgreSQL
and Redis, loopback), one seeding (`bench.loadprep`), then the scenarios of
issue 17 in turn:

- A: 20 rooms of 50 open pages (1,000 connections), 50 editors spread over
  them, one change each every 8-12 s, for `hold_a` seconds;
- D: measured during A: the server's memory per open connection, the workers'
  RSS with A's connections open minus their RSS just before they opened;
- B: one room of 300 open pages, 15 editors, for `hold_b` seconds;
- C: then the room's facilitator brings those 300 pages to another step;
- E: two real browsers, one adds an answer, the other shows it (`bench.browsers`).

The load generator is `bench.crowd` (asyncio, websockets and aiohttp).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench import browsers, crowd, server


def prep(env: dict[str, str], state_file: Path) -> None:
    command = [sys.executable, "-m", "bench.loadprep", "--out", str(state_file)]
    subprocess.run(command, env=env, cwd=server.BASE_DIR, check=True)


def worker_memory(pid: int) -> int:
    return server.rss_kb(server.workers(pid))


def run_load(
    *,
    database_url: str,
    redis_url: str,
    broker_url: str,
    directory: Path,
    hold_a: float,
    hold_b: float,
    say: Callable[[str], None],
) -> dict[str, Any]:
    open_files = server.raise_open_files()
    env = server.environment(database_url, redis_url, broker_url, directory)
    state_file = directory / "load-state.json"
    say("load: collecting static files")
    static_note = server.collect_static(env, say)
    say("load: seeding the rooms, signing everyone in")
    prep(env, state_file)
    state = json.loads(state_file.read_text())
    port = server.free_port()
    log = directory / "uvicorn.log"
    process = server.start(env, port, log)
    load_before = os.getloadavg()[0]
    try:
        server.wait_until_healthy(port, process, log)
        say(f"load: uvicorn ({server.WORKERS} workers) on {server.HOST}:{port}")
        result = crowd.run_sync(
            port,
            state,
            hold_a=hold_a,
            hold_b=hold_b,
            memory=partial(worker_memory, process.pid),
            say=say,
        )
        say("load E: two browsers, one adds an answer, the other shows it")
        result["E"] = browsers.two_browsers(port, state)
    finally:
        server.stop(process)
    return result | {
        "server": f"uvicorn, {server.WORKERS} workers",
        "open_files_limit": open_files,
        # Other processes on the machine weigh on every time measured here.
        "machine_load_before": load_before,
        "machine_load_after": os.getloadavg()[0],
        "static_storage_note": static_note,
        "server_errors": server.errors(log),
    }
