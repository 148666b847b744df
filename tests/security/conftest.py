"""Fixtures for the security tests.

`victim` is a rich organisation (the demo telco): a signed 2026-Q3 workshop with
its report and PDF, and a live 2026-Q4 workshop with an open dot vote, a private
brainstorm the facilitator moderates, grouped answers with a dot vote on the
groups, agreements with comments, and every step filled. The isolation tests
point every URL of the project at it as people who must not reach it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from alignment import agenda, demo
from alignment.models import (
    AnswerGroup,
    HandshakeAgreement,
    Invitation,
    Kpi,
    KpiReading,
    Membership,
    Need,
    Organization,
    Report,
    ReportStatus,
    Role,
    Status,
    User,
    Workshop,
)
from alignment.services import (
    actuals_csv,
    brainstorm,
    facilitation,
    items,
    people,
    signoff,
    workshops,
)
from flavors.diagnostic import DEMO_Q3_ANSWERS
from flavors.models import Flavor
from handshakes.models import HandshakeTemplate
from tests.security.routes import World
from tests.workshop.builders import build_coherent


@dataclass
class Victim:
    organization: Organization
    signed: Workshop
    live: Workshop
    lead: User
    admin: User
    observer: User
    report: Report
    world: World
    # Texts only the victim's members may ever see.
    secrets: list[str]


def world_of(organization, workshops, *, members) -> World:
    """An organisation's objects as URL parameters: one item of each step of each
    workshop (and one a brainstorm still hides, where there is one), a group of
    answers of each step that has one (an empty one is made in a workshop with
    none), the membership keys of `members`, a pending invitation (one is made if
    there is none), a library area and a flavor."""
    if not Invitation.objects.filter(organization=organization).pending().exists():
        people.invite(
            organization,
            email="invited@example.test",
            display_name="Ivy Invited",
            role=Role.LEADER,
            title="",
            by=members[0],
            link_for=lambda path: f"http://testserver{path}",
        )
    if not KpiReading.objects.filter(kpi__workshop__in=workshops).exists():
        # A reading for the results' routes to name (a signed quarter has them).
        kpi = Kpi.objects.filter(workshop=workshops[0]).order_by("order").first()
        KpiReading.objects.create(kpi=kpi, value=1, taken_on=date(2026, 10, 1), source="Probe")
    items = {}
    groups = {}
    hidden_items = {}
    for workshop in workshops:
        if not AnswerGroup.objects.filter(workshop=workshop).exists():
            # Named by the group routes; with no answer in it, no page shows it.
            AnswerGroup.objects.create(
                workshop=workshop, step=agenda.item_steps()[0].slug, title="Probe group"
            )
        for group in AnswerGroup.objects.filter(workshop=workshop).order_by("-order", "-created"):
            groups[(workshop.pk, group.step)] = group.pk  # the first of each step wins
        for step in agenda.item_steps():
            hidden = (
                step.model.objects.filter(workshop=workshop, revealed=False, set_aside="")
                .order_by("order")
                .values_list("pk", flat=True)
                .first()
            )
            if hidden is not None:
                hidden_items[(workshop.pk, step.slug)] = hidden
            first = (
                step.model.objects.filter(workshop=workshop, revealed=True)
                .order_by("order")
                .values_list("pk", flat=True)
                .first()
            )
            assert first is not None, f"{workshop} has no {step.slug}"
            items[(workshop.pk, step.slug)] = first
    return World(
        organization_slug=organization.slug,
        workshop_ids=[w.pk for w in workshops],
        items=items,
        groups=groups,
        hidden_items=hidden_items,
        reading_ids={
            workshop.pk: list(
                KpiReading.objects.filter(kpi__workshop=workshop).values_list("pk", flat=True)
            )
            for workshop in workshops
        },
        member_keys=list(
            Membership.objects.filter(organization=organization, user__in=members)
            .order_by("role")
            .values_list("key", flat=True)
        ),
        invitation_keys=list(
            Invitation.objects.filter(organization=organization)
            .pending()
            .values_list("key", flat=True)
        ),
        area_slugs=list(
            HandshakeTemplate.objects.published().values_list("area__slug", flat=True)[:1]
        ),
        flavor_codes=list(Flavor.objects.values_list("code", flat=True)[:1]),
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo_organization(db, django_capture_on_commit_callbacks):
    """The demo telco: a signed 2026-Q3 (report not rendered) and a 2026-Q4 from it."""
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
    return Organization.objects.get(slug="demo-telco")


@pytest.fixture
def victim(demo_organization) -> Victim:
    organization = demo_organization
    signed = Workshop.objects.get(organization=organization, quarter="2026-Q3")
    live = Workshop.objects.get(organization=organization, quarter="2026-Q4")
    lead = User.objects.get(email="lead@demo.test")
    admin = User.objects.get(email="admin@demo.test")
    observer = User.objects.get(email="viewer@demo.test")

    # The report task did not run: a small stand-in PDF is enough here, and faster.
    report = Report.objects.get(workshop=signed)
    pdf = b"%PDF-1.7\n% the victim's signed report\n"
    report.pdf.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
    Report.objects.filter(pk=report.pk).update(
        pdf=report.pdf.name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        status=ReportStatus.READY,
    )
    report.refresh_from_db()

    # The live room as it is mid-session.
    facilitation.open_vote(live, agenda.get_step("persona"), 3, by=lead)
    facilitation.open_brainstorm(live, agenda.get_step("needs"), by=lead, moderated=True)
    for order, title in enumerate(("A hidden brainstorm answer", "Another hidden answer")):
        Need.objects.create(
            workshop=live, title=title, author=lead, revealed=False, order=99 + order
        )
    # Two groups of two similar alternatives each, and a dot vote on the groups.
    alternatives = agenda.get_step("alternatives")
    answers = list(
        alternatives.model.objects.filter(workshop=live, revealed=True).order_by("order")[:4]
    )
    for first, second in (answers[0:2], answers[2:4]):
        group = brainstorm.move(live, alternatives, first, None, new=True, by=lead)
        brainstorm.move(live, alternatives, second, group, by=lead)
    facilitation.open_vote(live, alternatives, 3, by=lead, on_groups=True)
    agreement = HandshakeAgreement.objects.filter(workshop=live).order_by("order").first()
    items.comment_on_agreement(live, agreement, "Pricing owes us a date", by=lead)
    live.refresh_from_db()

    world = world_of(organization, [signed, live], members=[lead, observer])
    persona = agenda.get_step("persona").model.objects.filter(workshop=live).first()
    return Victim(
        organization=organization,
        signed=signed,
        live=live,
        lead=lead,
        admin=admin,
        observer=observer,
        report=report,
        world=world,
        secrets=[organization.name, persona.title, str(lead)],
    )


# What each route is sent by POST: what would succeed for the victim's lead, so that
# a refusal proves the permission check and not a validation error. Every route must
# be listed: a new view fails test_every_route_has_a_probe until it is.


def form_data(form, *, keep_initial: bool = False) -> dict:
    """Valid data for a form: its initial values (editing) or the simplest choices."""
    data: dict = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if keep_initial:
            value = form[name].value()
            if value is None or value is False or value == []:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            first = field.queryset.first()
            data[key] = [str(first.pk)] if first else []
        elif isinstance(field, forms.ModelChoiceField):
            first = field.queryset.first()
            if first is not None:
                data[key] = str(first.pk)
        elif isinstance(field, forms.MultipleChoiceField | forms.BooleanField):
            continue
        elif isinstance(field, forms.ChoiceField):
            data[key] = next(str(value) for value, _label in field.choices if value)
        elif field.required and isinstance(field, forms.IntegerField | forms.DecimalField):
            data[key] = "3"
        elif field.required:
            data[key] = "Probe"
    if "title" in form.fields:
        data[form.add_prefix("title")] = "Probe answer"
    return data


def _workshop(values) -> Workshop:
    return Workshop.objects.get(pk=values["workshop_id"])


def _item_create(values, victim):
    step = agenda.get_step(values["slug"])
    if not step.has_items:
        return {}
    form = step.form_class(workshop=_workshop(values), prefix="new", lead=True)
    return form_data(form)


def _item_edit(values, victim):
    step = agenda.get_step(values["slug"])
    item = step.model.objects.get(pk=values["item_id"])
    form = step.form_class(
        instance=item, workshop=_workshop(values), prefix=f"edit-{item.pk}", lead=True
    )
    data = form_data(form, keep_initial=True)
    data[form.add_prefix("title")] = "Probe edit"
    return data


def _reorder(values, victim):
    step = agenda.get_step(values["slug"])
    if not step.has_items:
        return {}
    ids = step.model.objects.filter(workshop_id=values["workshop_id"]).values_list("pk", flat=True)
    return {"order": [str(pk) for pk in reversed(ids)]}


def _sign(values, victim):
    workshop = _workshop(values)
    return {"content_hash": signoff.current_content(workshop)[1], "unread": "on"}


def _decline(values, victim):
    workshop = _workshop(values)
    return {"content_hash": signoff.current_content(workshop)[1], "reason": "Probe decline"}


def _opened(values, victim):
    workshop = _workshop(values)
    return {"content_hash": signoff.current_content(workshop)[1]}


def _flavor(values, victim):
    return dict(DEMO_Q3_ANSWERS) if values["slug"] == "flavor" else {}


def _import(values, victim):
    data, content_hash = signoff.current_content(victim.live)
    body = json.dumps({"content_hash": content_hash, "snapshot": data}).encode()
    return {
        "file": SimpleUploadedFile("export.json", body, "application/json"),
        "quarter": "2031-Q2",
    }


ACTUALS_CSV = "KPI,date,value\nK1,2026-09-30,12.5\n"


def _import_actuals(values, victim):
    return {"file": SimpleUploadedFile("actuals.csv", ACTUALS_CSV.encode(), "text/csv")}


def _confirm_actuals(values, victim):
    workshop = _workshop(values)
    token = actuals_csv.sign_upload(workshop, victim.lead, ACTUALS_CSV, file_name="actuals.csv")
    return {"upload": token}


def _moderate(values, victim):
    if values["action"] == "set-aside":
        return {"reason": "Probe reason"}
    if values["action"] == "duplicate":
        step = agenda.get_step(values["slug"])
        other = (
            step.model.objects.filter(workshop_id=values["workshop_id"], revealed=False)
            .exclude(pk=values["item_id"])
            .values_list("pk", flat=True)
            .first()
        )
        return {"duplicate_of": str(other)}
    return {}


def _group_action(values, victim):
    if values["action"] == "rename":
        return {"title": "Probe group title"}
    if values["action"] == "merge":
        other = (
            AnswerGroup.objects.filter(workshop_id=values["workshop_id"], step=values["slug"])
            .exclude(pk=values["group_id"])
            .values_list("pk", flat=True)
            .first()
        )
        return {"into": str(other)}
    return {}


def _constant(data):
    return lambda values, victim: dict(data)


PROBES = {
    "alignment:home": _constant({}),
    "alignment:organization": _constant({}),
    "alignment:members": _constant(
        {"email": "probe@example.test", "display_name": "Probe", "role": Role.ADMIN}
    ),
    "alignment:member_role": _constant({"role": Role.ADMIN}),
    "alignment:member_remove": _constant({}),
    "alignment:invitation_resend": _constant({}),
    "alignment:invitation_revoke": _constant({}),
    "alignment:workshop_new": _constant(
        {"quarter": "2031-Q1", "title": "Probe workshop", "language": "en"}
    ),
    "alignment:workshop": _constant({}),
    "alignment:workshop_status": _constant({"status": "review"}),
    "alignment:audit_log": _constant({}),
    "alignment:next_quarter": _constant({}),
    "alignment:compare": _constant({}),
    "alignment:sign": _sign,
    "alignment:decline": _decline,
    "alignment:signoff_opened": _opened,
    "alignment:signoff_draft": _constant({}),
    "alignment:results": _constant({}),
    "alignment:add_reading": lambda values, victim: {
        f"kpi-{values['kpi_id']}-value": "12.5",
        f"kpi-{values['kpi_id']}-taken_on": "2026-10-15",
    },
    "alignment:delete_reading": _constant({}),
    "alignment:set_outcome": lambda values, victim: {f"bet-{values['bet_id']}-outcome": "achieved"},
    "alignment:import_actuals": _import_actuals,
    "alignment:confirm_actuals": _confirm_actuals,
    "alignment:export_actuals": _constant({}),
    "alignment:override": _constant({"reason": "Probe override"}),
    "alignment:report_status": _constant({}),
    "alignment:report_pdf": _constant({}),
    "alignment:export_json": _constant({}),
    "alignment:import_json": _import,
    "alignment:verify": lambda values, victim: {"hash": victim.report.content_hash},
    "alignment:poll": _constant({}),
    "alignment:follow": _constant({"follows": "0", "step": "persona"}),
    "alignment:step": _flavor,
    "alignment:item_create": _item_create,
    "alignment:step_reorder": _reorder,
    "alignment:facilitate": _constant({"minutes": "5", "budget": "3"}),
    "alignment:item": _constant({}),
    "alignment:item_edit": _item_edit,
    "alignment:item_delete": _constant({}),
    "alignment:item_move": _constant({"direction": "down"}),
    "alignment:dot": _constant({}),
    "alignment:answer_group": _constant({"to": "new"}),
    "alignment:moderate": _moderate,
    "alignment:group_action": _group_action,
    "alignment:agreement_comment": _constant({"comment": "Probe comment"}),
}


def probe(route, values, victim) -> dict:
    make = PROBES.get(route.name)
    if make is None:
        pytest.fail(
            f"{route.route} ({route.name}) has no probe in tests/security/conftest.py PROBES: "
            "say what a POST that would succeed for the organisation's lead looks like."
        )
    return make(values, victim)


@pytest.fixture
def workshop(organization, lead, leader, observer):
    """A live workshop of Acme with a lead, a leader and an observer taking part."""
    workshop = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Q4 alignment", language="en", by=lead
    )
    workshops.transition(workshop, "live", by=lead)
    workshop.refresh_from_db()
    return workshop


@pytest.fixture
def signing(workshop, lead):
    """The live workshop, made coherent and open for signatures."""
    build_coherent(workshop, lead)
    workshops.transition(workshop, Status.REVIEW, by=lead)
    workshops.transition(workshop, Status.SIGNING, by=lead)
    workshop.refresh_from_db()
    return workshop


@pytest.fixture
def leads_persona(workshop, lead):
    return agenda.get_step("persona").model.objects.create(
        workshop=workshop, title="Lead's persona", author=lead, order=1
    )


@pytest.fixture
def room(workshop, lead, other_organization, outsider):
    """Acme's live workshop, every step filled and a vote open; a filled rival workshop
    whose item ids are `foreign`."""
    demo.build_workshop(workshop, author=lead)
    facilitation.open_vote(workshop, agenda.get_step("persona"), 3, by=lead)
    rival = workshops.create_workshop(
        other_organization, quarter="2026-Q4", title="Rival", language="en", by=outsider
    )
    build_coherent(rival, outsider)
    foreign = [
        str(pk)
        for step in agenda.item_steps()
        for pk in step.model.objects.filter(workshop=rival).values_list("pk", flat=True)[:2]
    ]
    workshop.refresh_from_db()
    return SimpleNamespace(workshop=workshop, rival=rival, foreign=foreign)
