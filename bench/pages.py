"""Every page a member can reach, as URLs built from the seeded demo organisation.

Names are stable across scales (the workshop is named by its quarter, an item by
its position), so the same page can be compared at `--scale 1` and `--scale 10`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import reverse

from alignment import agenda
from alignment.models import Workshop
from flavors.models import Flavor
from handshakes.models import HandshakeTemplate

ORGANIZATION_SLUG = "demo-telco"
LIVE_QUARTER = "2026-Q4"  # the seed leaves Q4 live on its first step
SIGNED_QUARTER = "2026-Q3"  # and Q3 signed, with its report
LIVE_STEP = "persona"

# The live-sync token (revision.presence), as the step page hands it to its script.
TOKEN_PATTERN = re.compile(r'<div id="live"[^>]*\bdata-v="([^"]*)"')


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


def workshop(quarter: str) -> Workshop:
    return Workshop.objects.get(organization__slug=ORGANIZATION_SLUG, quarter=quarter)


def organization_pages() -> list[Page]:
    slug = ORGANIZATION_SLUG
    pages = [
        Page("home", reverse("alignment:home")),
        Page("organisation", reverse("alignment:organization", args=[slug])),
        Page("members", reverse("alignment:members", args=[slug])),
        Page("new workshop", reverse("alignment:workshop_new", args=[slug])),
        Page("import", reverse("alignment:import_json", args=[slug])),
        Page("verify", reverse("alignment:verify", args=[slug])),
        Page("flavors reference", reverse("flavors:reference")),
    ]
    flavor = Flavor.objects.order_by("order").first()
    if flavor is not None:
        pages.append(Page("flavors detail", reverse("flavors:detail", args=[flavor.code])))
    pages += [
        Page("flavors diagnostic", reverse("flavors:diagnostic")),
        Page("handshakes library", reverse("handshakes:library")),
    ]
    published = HandshakeTemplate.objects.published().select_related("area")
    first = published.order_by("area__slug").first()
    if first is not None:
        pages.append(
            Page("handshakes detail", reverse("handshakes:detail", args=[first.area.slug]))
        )
    return pages


def step_url(ws: Workshop, slug: str) -> str:
    return reverse("alignment:step", args=[ws.pk, slug])


def poll_url(ws: Workshop, token: str, step: str = LIVE_STEP) -> str:
    return f"{reverse('alignment:poll', args=[ws.pk])}?v={token}&step={step}"


def step_pages(ws: Workshop) -> list[Page]:
    return [Page(f"step {step.slug}", step_url(ws, step.slug)) for step in agenda.all_steps()]


def workshop_pages(ws: Workshop) -> list[Page]:
    """The workshop's pages, but the live-sync poll (see `poll_pages`)."""
    pk = ws.pk
    pages = [
        Page("overview", reverse("alignment:workshop", args=[pk])),
        *step_pages(ws),
        Page("compare", reverse("alignment:compare", args=[pk])),
        Page("audit", reverse("alignment:audit_log", args=[pk])),
        Page("export json", reverse("alignment:export_json", args=[pk])),
    ]
    if ws.is_frozen:
        pages.append(Page("report status", reverse("alignment:report_status", args=[pk])))
        pages.append(Page("results", reverse("alignment:results", args=[pk])))
    else:
        first = agenda.get_step(LIVE_STEP).items(ws).first()
        if first is not None:
            pages.append(
                Page(
                    "item edit page",
                    reverse("alignment:item_edit", args=[pk, LIVE_STEP, first.pk]),
                )
            )
    return pages


def poll_pages(ws: Workshop, live_token: str) -> list[Page]:
    """The live-sync poll of the live step page, as it is sent with `live_token`
    (just handed out by that page: presence runs out after a few seconds), and
    as a page one change behind sends it."""
    htmx = {"HTTP_HX_REQUEST": "true"}
    return [
        Page("poll, nothing new (304)", poll_url(ws, live_token), htmx),
        Page("poll, one change behind", poll_url(ws, behind(live_token)), htmx),
    ]


def behind(live_token: str) -> str:
    """The token of a page that has not seen the last change yet."""
    revision, _, fingerprint = live_token.partition(".")
    return f"{max(int(revision) - 1, 0)}.{fingerprint}"


def live_token(body: bytes) -> str:
    found = TOKEN_PATTERN.search(body.decode())
    if found is None:
        raise RuntimeError("The page carries no live-sync token (#live data-v).")
    return found.group(1)
