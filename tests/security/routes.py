"""Every URL of the project, from the resolver, filled with one organisation's objects.

The isolation tests request each of them as people who must not reach that
organisation. A view added later is covered without anyone remembering to: its
route shows up here, and if it has a parameter this module does not know how to
fill, `fill()` fails and says what to teach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.urls import URLResolver, get_resolver

from alignment import agenda

# Not enumerated here, each for a reason; the rest of the project is.
OWN_CHECK = {
    "admin/": "the Django admin: staff only, checked by test_the_admin_needs_staff",
}
PUBLIC = {
    "healthz": "the load balancer's probe: database and broker status, no data",
    "accounts/login/": "the sign-in page",
    "accounts/logout/": "signing out",
    "accounts/invitations/<str:token>/": (
        "an invitation link, mailed to the invited address only: the token is the secret"
    ),
    "accounts/password-reset/": "asking for a password link: the same answer for any address",
    "accounts/password-reset/sent/": "the page after asking for a password link",
    "accounts/reset/<uidb64>/<token>/": "a one-time password link: the token is the secret",
    "accounts/reset/done/": "the page after choosing a password",
    "i18n/setlang/": "the language switch (a cookie)",
}
# Reference libraries every signed-in person reads; they hold no organisation's data.
SHARED_LIBRARY = {
    "flavors/",
    "flavors/diagnostic/",
    "flavors/<slug:code>/",
    "handshakes/",
    "handshakes/<slug:slug>/",
}
# Never served by Django at all (reports are streamed by views that check membership).
NEVER_ROUTED = ("static/", "media/")

FACILITATION_ACTIONS = [
    "goto",
    "countdown",
    "countdown-stop",
    "brainstorm",
    "reveal",
    "vote",
    "vote-close",
    "regroup",
    "ungroup",
    "no-such-action",
]
# A hidden answer's moderation before the reveal (alignment:moderate).
MODERATION_ACTIONS = ["set-aside", "put-back", "duplicate", "no-such-action"]
# A group of answers' tools (alignment:group_action). Merging removes the group, so
# it comes last of those that change it.
GROUP_ACTIONS = ["rename", "dot", "merge", "ungroup", "no-such-action"]

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # the full route, e.g. "w/<uuid:workshop_id>/s/<slug:slug>/"
    name: str  # "namespace:name"
    callback: Callable = field(compare=False, repr=False)

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in _PARAM.finditer(self.route)]

    def path(self, values: dict) -> str:
        return "/" + _PARAM.sub(lambda m: str(values[m.group("name")]), self.route)


def all_routes() -> list[Route]:
    """Every route of the project except the admin, which has its own check."""
    return list(_walk(get_resolver().url_patterns, "", ""))


def _walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route in OWN_CHECK:
            continue
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from _walk(entry.url_patterns, route, inner)
            continue
        if not hasattr(entry.pattern, "_route"):
            pytest.fail(
                f"{route!r} is a regular-expression URL; tests/security/routes.py fills "
                "path() routes only. Use path(), or teach it."
            )
        name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
        yield Route(route=route, name=name, callback=entry.callback)


def tenant_routes() -> list[Route]:
    """The routes that reach an organisation's data (or might, for a new view)."""
    return [r for r in all_routes() if r.route not in PUBLIC and r.route not in SHARED_LIBRARY]


@dataclass
class World:
    """One organisation's objects, as URL parameters."""

    organization_slug: str
    workshop_ids: list
    # (workshop id, step slug) -> the pk of one item of that step in that workshop
    items: dict
    member_keys: list
    invitation_keys: list = field(default_factory=list)
    area_slugs: list = field(default_factory=list)
    flavor_codes: list = field(default_factory=list)
    # workshop id -> the KPI readings recorded in it (a signed quarter's results)
    reading_ids: dict = field(default_factory=dict)
    # (workshop id, step slug) -> the pk of a group of answers of that step
    groups: dict = field(default_factory=dict)
    # (workshop id, step slug) -> the pk of an answer a brainstorm still hides there
    hidden_items: dict = field(default_factory=dict)


def _workshop_id(route: Route, chosen: dict, world: World) -> list:
    return list(world.workshop_ids)


def _slug(route: Route, chosen: dict, world: World) -> list:
    if route.name == "handshakes:detail":
        return world.area_slugs[:1]
    if route.name == "alignment:group_action":
        # The steps whose answers are grouped.
        return [slug for (pk, slug) in world.groups if pk == chosen["workshop_id"]]
    if route.name == "alignment:moderate":
        # The steps with an answer still hidden (the one kind moderation reaches);
        # a workshop without one: every step's revealed item, which it refuses.
        hidden = [slug for (pk, slug) in world.hidden_items if pk == chosen["workshop_id"]]
        return hidden or [s.slug for s in agenda.item_steps()]
    if route.name.startswith("alignment:"):
        if "workshop_id" in route.params:
            if "item_id" in route.params:
                # Each step looks its items up in its own model: all of them.
                return [s.slug for s in agenda.item_steps()]
            if "action" in route.params:
                # One view for every step: a step with items and one without.
                with_items = agenda.item_steps()[0]
                without = next(s for s in agenda.all_steps() if not s.has_items)
                return [with_items.slug, without.slug]
            return [s.slug for s in agenda.all_steps()]
        return [world.organization_slug]
    pytest.fail(
        f"{route.route} ({route.name}): tests/security/routes.py does not know what "
        "<slug> means in this route; teach _slug()."
    )


def _item_id(route: Route, chosen: dict, world: World) -> list:
    workshop_id = chosen["workshop_id"]
    if route.name == "alignment:moderate":
        key = (workshop_id, chosen["slug"])
        return [world.hidden_items.get(key, world.items[key])]
    if "slug" in chosen:
        return [world.items[(workshop_id, chosen["slug"])]]
    if route.name == "alignment:agreement_comment":
        return [world.items[(workshop_id, "collaboration")]]
    pytest.fail(
        f"{route.route} ({route.name}): tests/security/routes.py does not know which item "
        "<item_id> names here; teach _item_id()."
    )


def _group_id(route: Route, chosen: dict, world: World) -> list:
    return [world.groups[(chosen["workshop_id"], chosen["slug"])]]


def _kpi_id(route: Route, chosen: dict, world: World) -> list:
    return [world.items[(chosen["workshop_id"], "kpis")]]


def _bet_id(route: Route, chosen: dict, world: World) -> list:
    return [world.items[(chosen["workshop_id"], "bets")]]


def _reading_id(route: Route, chosen: dict, world: World) -> list:
    return world.reading_ids.get(chosen["workshop_id"], [])[:1]


def _member_key(route: Route, chosen: dict, world: World) -> list:
    return list(world.member_keys)


def _invitation_key(route: Route, chosen: dict, world: World) -> list:
    return list(world.invitation_keys)


def _action(route: Route, chosen: dict, world: World) -> list:
    if route.name == "alignment:moderate":
        return list(MODERATION_ACTIONS)
    if route.name == "alignment:group_action":
        return list(GROUP_ACTIONS)
    if route.name == "alignment:facilitate":
        return list(FACILITATION_ACTIONS)
    pytest.fail(
        f"{route.route} ({route.name}): tests/security/routes.py does not know which "
        "<action>s this route has; teach _action()."
    )


def _code(route: Route, chosen: dict, world: World) -> list:
    return world.flavor_codes[:1]


FILLERS: dict[str, Callable[[Route, dict, World], list]] = {
    "workshop_id": _workshop_id,
    "slug": _slug,
    "item_id": _item_id,
    "group_id": _group_id,
    "member_key": _member_key,
    "invitation_key": _invitation_key,
    "action": _action,
    "code": _code,
    "kpi_id": _kpi_id,
    "bet_id": _bet_id,
    "reading_id": _reading_id,
}


def fill(route: Route, world: World) -> list[tuple[str, dict]]:
    """Every (path, parameters) of this route filled with the world's objects."""
    assignments = [{}]
    for param in route.params:
        filler = FILLERS.get(param)
        if filler is None:
            pytest.fail(
                f"{route.route} ({route.name}) has a parameter <{param}> that "
                "tests/security/routes.py cannot fill with another organisation's object. "
                "Add a filler to FILLERS so the isolation tests cover this view."
            )
        assignments = [
            {**chosen, param: value}
            for chosen in assignments
            for value in filler(route, chosen, world)
        ]
    assert assignments, f"{route.route}: no object to fill it with"
    return [(route.path(values), values) for values in assignments]


def ghost_path(route: Route) -> str:
    """The same route with made-up objects: what a stranger would see for nothing."""
    values = {}
    for match in _PARAM.finditer(route.route):
        if match.group("converter") == "uuid":
            values[match.group("name")] = "00000000-0000-4000-8000-000000000000"
        elif match.group("converter") == "int":
            values[match.group("name")] = "999999999"
        else:
            values[match.group("name")] = "no-such-thing"
    return route.path(values)
