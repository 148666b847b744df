"""One scale's in-process measurements, in a process of its own.

The orchestrator (`bench.cli`) runs `python -m bench.phase --scale N --out FILE`
with DATABASE_URL naming an empty bench database and DJANGO_SETTINGS_MODULE set
to `bench.settings`; this migrates, seeds, measures and writes FILE (JSON).
A process per scale keeps the two databases, caches and connections apart.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.phase")
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=50, help="requests per timed page")
    parser.add_argument("--rendered-rounds", type=int, default=5)
    parser.add_argument("--poll-rounds", type=int, default=500, help="timed polls")
    parser.add_argument(
        "--report", action="store_true", help="also time the report PDF and the sign request"
    )
    parser.add_argument(
        "--sign-only", action="store_true", help="only time the last signature (and seed)"
    )
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--sign-runs", type=int, default=5)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    # A leader refused a lead-only page is expected here, not worth a traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    from bench import inprocess  # imports models: only after setup

    results = inprocess.run(args)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
