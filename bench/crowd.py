"""The load generator: a crowd of open workshop pages, in one asyncio process.

A simulated page does what a browser's page does: it GETs the step page, then
holds the page's live WebSocket (`/w/<id>/live?step=..&v=..`, with the session
cookie and the site's Origin) and reads every frame. WebSockets come from
`websockets`, HTTP from aiohttp; one process holds 1,000+ connections, and its
own CPU (process time over wall time, as a share of one core) is reported, as
the generator shares the machine with the server.

Change-to-screen latency is measured where a person would see it: every edit
puts a nonce (`bench-<room>-<editor>-<seq>`) in the answer's title, and each
open page of that room notes when the nonce first appears in a frame it
received. The latency of a (change, page) is that moment minus the moment the
editor's POST was sent. A page that was open from the POST on and never saw its
room's nonce lost the change: an error. Editors edit their own answer with the
version the edit form carries (optimistic concurrency): a 409 is not an error,
it brings the version now saved, and that change, never saved, is not expected
on any screen.

A page follows the facilitator (every simulated participant does, as by
default): a "page" frame is the new step's page, shown in place; a "room" frame
whose `current` step is not the step it shows (a step with a page of its own) makes
it GET that step's page, as the browser does when the facilitator moves on.
"""

from __future__ import annotations

import asyncio
import html
import json
import math
import random
import re
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from bench.stats import median, percentile

HOST = "127.0.0.1"
EDIT_EVERY_S = (8.0, 12.0)
SETTLE_S = 5.0  # after the last page connected: arrivals announced, the room quiet
GRACE_S = 3.0  # after the last change: late deliveries still count (as late)
HTTP_TIMEOUT_S = 30.0
LOADS_PER_S, LOADS_AT_ONCE = 50.0, 8  # people opening the page
CONNECTS_PER_S, CONNECTS_AT_ONCE = 100.0, 20  # their pages connecting
FOLLOW_TIMEOUT_S = 15.0
NONCE = re.compile(r"bench-[a-z0-9]+-\d+-\d+")
LIVE_ELEMENT = re.compile(r'<div id="live"[^>]*>')
ATTRIBUTE = r'\b{name}="([^"]*)"'
LANGUAGE = re.compile(r'<html[^>]*\blang="([^"]+)"')
VERSION = 'name="edit-{id}-version" value="(\\d+)"'


def clock() -> float:
    return time.perf_counter()


async def sleep_until(moment: float) -> None:
    delay = moment - clock()
    if delay > 0:
        await asyncio.sleep(delay)


@dataclass
class Record:
    """What one scenario measured: timings (ms) by kind, errors by kind."""

    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    conflicts: int = 0
    move_sent: float | None = None  # when the facilitator's "go to" was sent
    followed: int = 0


@dataclass
class Room:
    name: str
    workshop: str
    lead: str  # the facilitator's session
    people: list[dict[str, Any]]
    pages: list[Page] = field(default_factory=list)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Room:
        return cls(state["name"], state["workshop"], state["lead"]["session"], state["people"])


@dataclass
class Change:
    room: Room
    nonce: str
    sent: float


class Crowd:
    """The server's address, one HTTP client, and the record being written."""

    def __init__(self, port: int, state: dict[str, Any], http: aiohttp.ClientSession):
        self.port = port
        self.state = state
        self.http = http
        self.record = Record()
        self.closing = False
        self.background: set[asyncio.Task] = set()

    def begin(self) -> Record:
        self.record = Record()
        self.closing = False
        return self.record

    def cookie(self, session: str, csrf: str = "") -> str:
        cookie = f"{self.state['session_cookie']}={session}"
        return f"{cookie}; {self.state['csrf_cookie']}={csrf}" if csrf else cookie

    async def request(
        self, kind: str, method: str, path: str, session: str, data: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """One request as `session`; a POST carries a CSRF secret in cookie and
        header, as htmx sends it. Timed under `kind`; (status, body), 0 when the
        server did not answer."""
        headers = {"Cookie": self.cookie(session)}
        if method == "POST":
            csrf = secrets.token_hex(16)
            headers = {"Cookie": self.cookie(session, csrf), "X-CSRFToken": csrf}
            headers["HX-Request"] = "true"
        start = clock()
        try:
            async with self.http.request(
                method,
                f"http://{HOST}:{self.port}{path}",
                data=data,
                headers=headers,
                allow_redirects=False,
            ) as response:
                body = await response.text()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as failure:
            self.record.errors[f"{kind} {type(failure).__name__}"] += 1
            return 0, ""
        self.record.timings[kind].append((clock() - start) * 1000)
        return status, body

    def in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)


@dataclass(eq=False)
class Page:
    """One person's open step page and its live connection."""

    crowd: Crowd
    room: Room
    session: str
    step: str
    push: str = ""
    current: str = ""  # the facilitator's step, as the page last heard it
    socket: ClientConnection | None = None
    opened_at: float = math.inf
    closed_at: float = math.inf
    seen: dict[str, float] = field(default_factory=dict)
    reader: asyncio.Task | None = None

    def url(self, step: str) -> str:
        return f"/w/{self.room.workshop}/s/{step}/"

    async def load(self) -> None:
        status, body = await self.crowd.request("page", "GET", self.url(self.step), self.session)
        if status != 200:
            if status:
                self.crowd.record.errors[f"page {status}"] += 1
            return
        self.push = live_path(body, self.room.workshop, self.step)
        self.current = live_element(body).get("current", self.step)

    async def connect(self) -> None:
        if not self.push:
            return  # the page did not load: counted there
        crowd = self.crowd
        origin = f"http://{HOST}:{crowd.port}"
        start = clock()
        try:
            self.socket = await connect(
                f"ws://{HOST}:{crowd.port}{self.push}",
                origin=origin,
                additional_headers={"Cookie": crowd.cookie(self.session)},
                proxy=None,
                # Like a browser: no pings of its own, any frame size.
                ping_interval=None,
                max_size=None,
                open_timeout=HTTP_TIMEOUT_S,
            )
        except InvalidStatus as refused:
            crowd.record.errors[f"connect refused {refused.response.status_code}"] += 1
            return
        except (OSError, TimeoutError, WebSocketException) as failure:
            crowd.record.errors[f"connect {type(failure).__name__}"] += 1
            return
        self.opened_at = clock()
        crowd.record.timings["connect"].append((self.opened_at - start) * 1000)
        self.reader = asyncio.create_task(self.listen())

    async def listen(self) -> None:
        assert self.socket is not None
        try:
            async for frame in self.socket:
                now = clock()
                text = frame if isinstance(frame, str) else frame.decode()
                for nonce in NONCE.findall(text):
                    self.seen.setdefault(nonce, now)
                if text.startswith('{"t": "room"'):
                    self.follow(json.loads(text))
                elif text.startswith('{"t": "page"'):
                    self.landed(json.loads(text), now)
        except ConnectionClosed as closed:
            if not self.crowd.closing:
                code = closed.rcvd.code if closed.rcvd else "without a close frame"
                self.crowd.record.errors[f"connection closed {code}"] += 1
        finally:
            self.closed_at = min(self.closed_at, clock())

    def follow(self, message: dict[str, Any]) -> None:
        """Like the page's script: when the facilitator's step changes to one
        this page does not show, go there."""
        if message.get("t") != "room":
            return
        current = message.get("current") or ""
        moved = current != self.current
        self.current = current
        if moved and current and current != self.step:
            self.step = current
            self.crowd.in_background(self.land(current))

    def landed(self, message: dict[str, Any], now: float) -> None:
        """The facilitator's new step arrived over the connection, as its page
        (an answer step): the page shows it in place, as the script does."""
        self.step = self.current = message["step"]
        record = self.crowd.record
        if record.move_sent is not None:
            record.timings["follow"].append((now - record.move_sent) * 1000)
        record.followed += 1

    async def land(self, step: str) -> None:
        """GET the page of the step the facilitator moved to (scenario C times it
        from the facilitator's POST)."""
        record = self.crowd.record
        status, _body = await self.crowd.request("follow GET", "GET", self.url(step), self.session)
        if status != 200:
            if status:
                record.errors[f"follow GET {status}"] += 1
            return
        if record.move_sent is not None:
            record.timings["follow"].append((clock() - record.move_sent) * 1000)
        record.followed += 1

    async def close(self) -> None:
        self.closed_at = min(self.closed_at, clock())
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            await self.reader


FOLLOWS = re.compile(r'<form id="follow" data-follows="([01])"')


def live_element(body: str) -> dict[str, str]:
    """The data-* attributes of the page's #live element (what its script reads)."""
    found = LIVE_ELEMENT.search(body)
    tag = found.group(0) if found else ""
    names = ("push", "v", "step", "current")
    values = {name: re.search(ATTRIBUTE.format(name=f"data-{name}"), tag) for name in names}
    return {name: html.unescape(value.group(1)) for name, value in values.items() if value}


def live_path(body: str, workshop: str, step: str) -> str:
    """The WebSocket path the page's script connects to: data-push, with the
    step and the revision the page shows (data-step, data-v) and its language."""
    live = live_element(body)
    base, _, query = live.get("push", f"/w/{workshop}/live").partition("?")
    params = dict(parse_qsl(query))
    params.setdefault("step", live.get("step", step))
    params.setdefault("v", live.get("v", ""))
    if language := LANGUAGE.search(body):
        params.setdefault("lang", language.group(1))
    # Whether its person follows the facilitator: #follow's data-follows.
    follows = FOLLOWS.search(body)
    params.setdefault("follows", follows.group(1) if follows else "0")
    return f"{base}?{urlencode(params)}"


async def paced(
    items: Iterable[Any], work: Callable[[Any], Awaitable[None]], per_second: float, at_once: int
) -> None:
    """`work(item)` for each item, started at `per_second` at most, `at_once` at
    most in flight (a slow server slows the arrivals down, as people wait)."""
    gate = asyncio.Semaphore(at_once)
    start = clock()

    async def one(number: int, item: Any) -> None:
        await sleep_until(start + number / per_second)
        async with gate:
            await work(item)

    await asyncio.gather(*(one(number, item) for number, item in enumerate(items)))


async def edit_loop(crowd: Crowd, room: Room, person: dict[str, Any], number: int, until: float):
    """Edit one's own answer every 8-12 s until `until`, a new nonce each time."""
    item = dict(person["item"])
    chance = random.Random(f"{room.name}-{number}")
    step = crowd.state["step"]
    prefix = f"edit-{item['id']}"
    next_at = clock() + chance.uniform(0, EDIT_EVERY_S[1])
    seq = 0
    while next_at < until:
        await sleep_until(next_at)
        seq += 1
        nonce = f"bench-{room.name}-{number}-{seq}"
        form = {
            f"{prefix}-title": f"Persona {nonce}",
            f"{prefix}-description": f"Edited {seq} times during the bench.",
            f"{prefix}-version": str(item["version"]),
        }
        change = Change(room, nonce, clock())
        path = f"/w/{room.workshop}/s/{step}/i/{item['id']}/edit"
        status, body = await crowd.request("edit POST", "POST", path, person["session"], form)
        if status == 200:
            item["version"] += 1
            crowd.record.changes.append(change)
        elif status == 409 and (saved := re.search(VERSION.format(id=item["id"]), body)):
            item["version"] = int(saved.group(1))
            crowd.record.conflicts += 1
        elif status:
            crowd.record.errors[f"edit POST {status}"] += 1
        next_at += chance.uniform(*EDIT_EVERY_S)


def deliveries(record: Record) -> tuple[list[float], int]:
    """(change-to-screen latencies in ms, changes lost): for every saved change,
    every page of its room open from the POST until GRACE_S after it."""
    latencies: list[float] = []
    lost = 0
    for change in record.changes:
        for page in change.room.pages:
            if page.opened_at > change.sent or page.closed_at < change.sent + GRACE_S:
                continue
            seen = page.seen.get(change.nonce)
            if seen is None:
                lost += 1
            else:
                latencies.append((seen - change.sent) * 1000)
    return latencies, lost


def distribution(samples: list[float]) -> dict[str, float]:
    return {
        "count": len(samples),
        "p50_ms": median(samples),
        "p99_ms": percentile(samples, 99),
        "max_ms": max(samples) if samples else math.nan,
    }


class Usage:
    """The generator's own CPU over a stretch of wall time, as a share of one core."""

    def __init__(self) -> None:
        self.cpu, self.wall = time.process_time(), clock()

    def share(self) -> float:
        return (time.process_time() - self.cpu) / max(clock() - self.wall, 1e-9)

    def elapsed(self) -> float:
        return clock() - self.wall


async def open_rooms(
    crowd: Crowd, rooms: list[Room], memory: Callable[[], int] | None = None
) -> dict[str, Any]:
    """Every participant of the rooms loads the step page, then every page
    connects; `memory()` (server RSS, KiB) is read before the connections open
    and once they have settled."""
    step = crowd.state["step"]
    for room in rooms:
        room.pages = [Page(crowd, room, person["session"], step) for person in room.people]
    # Rooms fill side by side, as people arrive in all of them at once.
    longest = max(len(room.pages) for room in rooms)
    pages = [room.pages[n] for n in range(longest) for room in rooms if n < len(room.pages)]
    await paced(pages, Page.load, LOADS_PER_S, LOADS_AT_ONCE)
    before = memory() if memory else 0
    await paced(pages, Page.connect, CONNECTS_PER_S, CONNECTS_AT_ONCE)
    await asyncio.sleep(SETTLE_S)
    open_now = sum(1 for page in pages if page.socket is not None and page.closed_at == math.inf)
    result: dict[str, Any] = {"pages": len(pages), "connections": open_now}
    if memory:
        after = memory()
        result["memory"] = {
            "rss_before_kb": before,
            "rss_after_kb": after,
            "connections": open_now,
            "per_connection_kb": (after - before) / open_now if open_now else math.nan,
        }
    return result


async def edit_rooms(crowd: Crowd, rooms: list[Room], hold_s: float) -> None:
    """Every editor of the rooms edits for `hold_s`; then GRACE_S for the last
    changes to arrive."""
    until = clock() + hold_s
    editors = [
        edit_loop(crowd, room, person, number, until)
        for room in rooms
        for number, person in enumerate(room.people)
        if "item" in person
    ]
    await asyncio.gather(*editors)
    await asyncio.sleep(GRACE_S)


async def close_rooms(crowd: Crowd, rooms: list[Room]) -> None:
    crowd.closing = True
    await asyncio.gather(*(page.close() for room in rooms for page in room.pages))


def summary(record: Record, usage: Usage, opened: dict[str, Any]) -> dict[str, Any]:
    latencies, lost = deliveries(record)
    errors = record.errors + Counter({"lost deliveries": lost} if lost else {})
    return {
        **opened,
        "wall_s": usage.elapsed(),
        "generator_cpu_share": usage.share(),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "changes": len(record.changes),
        "conflicts": record.conflicts,
        "change_to_screen": distribution(latencies),
        "timings": {kind: distribution(ms) for kind, ms in sorted(record.timings.items())},
    }


async def rooms_scenario(
    crowd: Crowd, rooms: list[Room], hold_s: float, memory: Callable[[], int] | None = None
) -> dict[str, Any]:
    """Scenarios A and B: the rooms open, their editors edit for `hold_s`.
    The pages stay open (the caller closes them)."""
    record = crowd.begin()
    usage = Usage()
    opened = await open_rooms(crowd, rooms, memory)
    await edit_rooms(crowd, rooms, hold_s)
    return summary(record, usage, opened) | {
        "rooms": len(rooms),
        "editors": sum(1 for room in rooms for person in room.people if "item" in person),
        "hold_s": hold_s,
    }


async def move_scenario(crowd: Crowd, room: Room) -> dict[str, Any]:
    """Scenario C: the facilitator brings the room's open pages to another step;
    each page's time is from the POST being sent to its GET of the new step done."""
    record = crowd.begin()
    usage = Usage()
    state = crowd.state
    expected = sum(1 for page in room.pages if page.opened_at < math.inf)
    # The facilitator's "bring everyone here", on the page of the step to go to.
    path = f"/w/{room.workshop}/s/{state['goto_step']}/facilitate/goto"
    record.move_sent = clock()
    status, _body = await crowd.request("goto POST", "POST", path, room.lead)
    if status not in (200, 302):
        record.errors[f"goto POST {status}"] += 1
    deadline = clock() + FOLLOW_TIMEOUT_S
    while record.followed < expected and clock() < deadline:
        await asyncio.sleep(0.05)
    result = summary(record, usage, {"pages": len(room.pages), "connections": expected})
    missing = expected - record.followed
    if missing:
        result["error_kinds"]["page did not follow"] = missing
        result["errors"] += missing
    return result | {"followed": record.followed, "to_step": state["goto_step"]}


async def run(port: int, state: dict[str, Any], *, hold_a: float, hold_b: float, memory, say):
    """Scenarios A (with D, memory, on its 1,000 connections), B and C, in turn."""
    timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_S)
    # Fewer seconds of keep-alive than uvicorn's 5: never reuse a connection the
    # server is closing. No cookie jar: each request names its session.
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=3)
    async with aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=True,
    ) as http:
        crowd = Crowd(port, state, http)
        usage = Usage()
        rooms = [Room.from_state(room) for room in state["rooms"]]
        pages = sum(len(room.people) for room in rooms)
        say(f"load A: {len(rooms)} rooms, {pages} pages, {hold_a:g} s of edits")
        a = await rooms_scenario(crowd, rooms, hold_a, memory)
        await close_rooms(crowd, rooms)
        big = Room.from_state(state["big_room"])
        say(f"load B: one room of {len(big.people)} pages, {hold_b:g} s of edits")
        b = await rooms_scenario(crowd, [big], hold_b)
        say(f"load C: the facilitator brings the room of {len(big.people)} to another step")
        c = await move_scenario(crowd, big)
        await close_rooms(crowd, [big])
        return {"A": a, "B": b, "C": c, "generator_cpu_share": usage.share()}


def run_sync(port: int, state: dict[str, Any], **options) -> dict[str, Any]:
    return asyncio.run(run(port, state, **options))
