"""The bench's keys in a shared Redis cache: under a prefix of their own, deleted
at the end of the run (sessions, presence, the people of each workshop).

The orchestrator picks the prefix (BENCH_CACHE_PREFIX) for every process of the
run; the bench's settings modules apply it with `isolated()`.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

PREFIX_VARIABLE = "BENCH_CACHE_PREFIX"


def new_prefix() -> str:
    return f"cvm-bench-{secrets.token_hex(4)}"


def isolated(caches: dict[str, Any]) -> dict[str, Any]:
    """The project's CACHES, with the run's key prefix on a Redis cache."""
    prefix = os.environ.get(PREFIX_VARIABLE)
    default = caches["default"]
    if not prefix or not default["BACKEND"].endswith("RedisCache"):
        return caches
    return {**caches, "default": {**default, "KEY_PREFIX": prefix}}


def drop_keys(redis_url: str, prefix: str) -> int:
    """Delete every key of the run (Django's Redis cache writes `prefix:version:key`)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        return client.delete(*keys) if keys else 0
    finally:
        client.close()
