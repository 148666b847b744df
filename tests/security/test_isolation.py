"""Organisations are kept apart: every URL of the project, pointed at another
organisation's objects, as an outsider, an observer and a signed-out visitor.

The routes come from the URL resolver (tests/security/routes.py), so a view added
later is covered without anyone remembering to add it here.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from alignment.models import Participant
from tests.security.conftest import PROBES, client_for, probe
from tests.security.dbstate import changed_tables, database_state
from tests.security.routes import (
    PUBLIC,
    SHARED_LIBRARY,
    all_routes,
    fill,
    ghost_path,
    tenant_routes,
)

pytestmark = pytest.mark.django_db

METHODS = ("get", "post")


def send(client, method: str, path: str, data: dict | None = None):
    response = client.get(path) if method == "get" else client.post(path, data or {})
    if response.streaming:
        # Reading it to the end closes the file (the test client does so).
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    return response


def leaked(response, victim) -> list[str]:
    text = response.body.decode("utf-8", errors="replace")
    return [secret for secret in victim.secrets if secret in text]


def test_every_route_is_covered_or_excluded_for_a_stated_reason(victim):
    routes = {r.route: r for r in all_routes()}
    for excluded in (*PUBLIC, *SHARED_LIBRARY):
        assert excluded in routes, f"{excluded} is excluded but no longer exists"
    for route in tenant_routes():
        assert fill(route, victim.world), route
        assert route.name in PROBES, f"{route.route} ({route.name}) has no POST probe"
    # The organisation's URLs are the bulk of the project; a resolver walk that
    # found only a handful would prove nothing.
    assert len(tenant_routes()) >= 25


def test_outsiders_get_404_for_everything_and_write_nothing(victim, as_outsider):
    problems = []
    for route in tenant_routes():
        before = database_state()
        for path, values in fill(route, victim.world):
            for method in METHODS:
                data = probe(route, values, victim) if method == "post" else None
                response = send(as_outsider, method, path, data)
                if not route.params:
                    # Names no organisation (the home page): the outsider's own things.
                    if response.status_code >= 500:
                        problems.append(f"{method.upper()} {path}: {response.status_code}")
                elif response.status_code == 405:
                    # Refused by method before any lookup: the same for an object
                    # that does not exist, so it reveals nothing.
                    ghost = send(as_outsider, method, ghost_path(route), data)
                    if ghost.status_code != 405:
                        problems.append(f"{method.upper()} {path}: 405 but {ghost.status_code}")
                elif response.status_code != 404:
                    problems.append(f"{method.upper()} {path}: {response.status_code}, not 404")
                if secrets := leaked(response, victim):
                    problems.append(f"{method.upper()} {path}: shows {secrets}")
        if changed := changed_tables(before, database_state()):
            problems.append(f"{route.route}: an outsider's requests wrote to {changed}")
    assert not problems, "\n".join(problems)


def test_observers_read_but_no_write_succeeds(victim):
    observer = client_for(victim.observer)
    problems = []
    answered = {}
    own = list(Participant.objects.filter(user=victim.observer).values_list("pk", flat=True))
    others = Participant.objects.exclude(pk__in=own).values_list("pk", "follows_facilitator")
    state = database_state()
    for route in tenant_routes():
        for path, values in fill(route, victim.world):
            if values.get("workshop_id", victim.live.pk) != victim.live.pk:
                continue  # the signed quarter refuses every change to anyone
            for method in METHODS:
                data = probe(route, values, victim) if method == "post" else None
                before_others = list(others)
                response = send(observer, method, path, data)
                after = database_state()
                changed = set(changed_tables(state, after))
                state = after
                if method == "get":
                    # Reading may leave an access record (a download), nothing else.
                    changed.discard("alignment_auditentry")
                if route.name == "alignment:follow" and before_others == list(others):
                    # Following the facilitator is the observer's own preference:
                    # the one row a POST of theirs may change.
                    changed.discard("alignment_participant")
                if changed:
                    problems.append(f"{method.upper()} {path}: an observer wrote to {changed}")
                if response.status_code >= 500:
                    problems.append(f"{method.upper()} {path}: {response.status_code}")
                answered.setdefault(route.route, set()).add(response.status_code)
    assert not problems, "\n".join(problems)
    # The probes name real objects: each route answers the observer with something
    # other than "not found" at least once (else the outsider's 404s prove nothing).
    only_404 = [route for route, codes in answered.items() if codes == {404}]
    assert not only_404, f"never found for a member: {only_404}"


def test_signed_out_visitors_are_sent_to_sign_in(victim, client):
    login = reverse(settings.LOGIN_URL)
    problems = []
    before = database_state()
    routes = [r for r in all_routes() if r.route not in PUBLIC]
    for route in routes:
        filled = fill(route, victim.world) if route.route not in SHARED_LIBRARY else []
        paths = [p for p, _v in filled] or [route.path(dict.fromkeys(route.params, "x"))]
        for path in paths:
            for method in METHODS:
                response = send(client, method, path, {})
                status = response.status_code
                if route.name == "alignment:poll" and method == "get":
                    # The live-sync poll is a script's request: a status, not a page.
                    if status != 401:
                        problems.append(f"GET {path}: {status}, not 401")
                elif status == 302:
                    if not response["Location"].startswith(f"{login}?next=/"):
                        problems.append(f"{method.upper()} {path}: to {response['Location']}")
                elif status != 405:
                    problems.append(f"{method.upper()} {path}: {status}, not a sign-in redirect")
                if secrets := leaked(response, victim):
                    problems.append(f"{method.upper()} {path}: shows {secrets}")
    assert changed_tables(before, database_state()) == []
    assert not problems, "\n".join(problems)


def test_the_shared_libraries_hold_no_organisations_data(victim, as_outsider):
    for route in all_routes():
        if route.route not in SHARED_LIBRARY:
            continue
        values = {
            "code": victim.world.flavor_codes[0],
            "slug": victim.world.area_slugs[0],
        }
        response = send(as_outsider, "get", route.path(values))
        assert response.status_code == 200, route.route
        assert not leaked(response, victim), route.route


def test_report_files_are_never_served_from_the_media_url(victim):
    lead = client_for(victim.lead)
    assert lead.get(f"/{settings.MEDIA_URL}{victim.report.pdf.name}").status_code == 404
    assert lead.get(f"/w/{victim.signed.pk}/report.pdf").status_code == 200


def admin_paths() -> list[str]:
    """Every page of the admin but signing in and out: the site's own, and each
    registered model's (their custom pages included), for one object of each."""
    paths = [reverse(f"admin:{name}") for name in ("index", "autocomplete", "jsi18n")]
    paths.append(reverse("admin:password_change"))
    for model, model_admin in admin.site._registry.items():
        paths.append(reverse("admin:app_list", args=[model._meta.app_label]))
        obj = model._default_manager.order_by("pk").first()
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue  # Django's redirect of old change-page addresses
            params = set(pattern.pattern.converters)
            # The object's primary key, named object_id (or id: a user's password page).
            assert params <= {"object_id", "id"}, f"teach admin_paths() to fill {pattern}"
            if params and obj is None:
                continue
            kwargs = dict.fromkeys(params, obj.pk) if params else {}
            paths.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
    return paths


def test_the_admin_needs_staff(victim, as_outsider, client, staff):
    admin_login = reverse("admin:login")
    paths = admin_paths()
    assert reverse("admin:handshakes_handshaketemplate_versions", args=[1]) in paths
    assert len(paths) > 100
    visitors = [
        ("signed out", client),
        ("an outsider", as_outsider),
        ("the organisation's lead", client_for(victim.lead)),
    ]
    before = database_state()
    for who, visitor in visitors:
        for path in paths:
            for method in METHODS:
                response = send(visitor, method, path, {"post": "yes"})
                assert response.status_code == 302, (who, method, path, response.status_code)
                assert response["Location"].startswith(f"{admin_login}?next="), (who, path)
    assert changed_tables(before, database_state()) == []
    as_staff = client_for(staff)
    for path in paths:
        assert send(as_staff, "get", path).status_code in (200, 403), path


# The probes must be real: sent by the organisation's admin (a lead in every
# workshop), these routes change the database. Otherwise an observer's refusal
# could be a mere validation error, and the test above would prove nothing.
PROBES_THAT_WRITE = {
    "alignment:members",
    "alignment:member_role",
    "alignment:member_remove",
    "alignment:invitation_resend",
    "alignment:invitation_revoke",
    "alignment:workshop_new",
    "alignment:workshop_status",
    "alignment:next_quarter",
    "alignment:override",
    "alignment:import_json",
    "alignment:follow",
    "alignment:step",
    "alignment:item_create",
    "alignment:step_reorder",
    "alignment:facilitate",
    "alignment:item_edit",
    "alignment:item_delete",
    "alignment:item_move",
    "alignment:dot",
    "alignment:answer_group",
    "alignment:moderate",
    "alignment:group_action",
    "alignment:agreement_comment",
}
# Run last, in this order: they withdraw the invitation the resend probe names,
# reorder the items, close the vote, remove the item the other probes name, move
# the workshop on, or take the other members out.
LAST = (
    "alignment:invitation_revoke",
    "alignment:step_reorder",
    "alignment:facilitate",
    "alignment:item_delete",
    "alignment:workshop_status",
    "alignment:next_quarter",
    "alignment:member_remove",
)


def test_the_probes_would_succeed_for_the_organisations_admin(victim):
    admin_client = client_for(victim.admin)
    wrote = set()
    routes = sorted(tenant_routes(), key=lambda r: LAST.index(r.name) if r.name in LAST else -1)
    for route in routes:
        for path, values in fill(route, victim.world):
            if values.get("workshop_id", victim.live.pk) != victim.live.pk:
                continue
            before = database_state()
            response = send(admin_client, "post", path, probe(route, values, victim))
            assert response.status_code < 500, path
            if set(changed_tables(before, database_state())) - {"alignment_auditentry"}:
                wrote.add(route.name)
    assert PROBES_THAT_WRITE - wrote == set()
