"""The demo telco: its worked quarters (`workshops`) and the KPI catalogue the
product ships (`kpi_catalogue`), both plain data and the code that loads them."""

from __future__ import annotations

from alignment.demo.workshops import build_workshop, evolve_to_q4

__all__ = ["build_workshop", "evolve_to_q4"]
