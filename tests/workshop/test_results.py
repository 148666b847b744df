"""A signed quarter's results: KPI readings and bet outcomes, beside the signed record."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from alignment.domain import snapshot
from alignment.domain.results import Standing, progress, quarter_bounds
from alignment.models import AuditEntry, BetOutcome, KpiReading, Outcome, Report
from alignment.realtime import signals
from alignment.services import results
from alignment.services.errors import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(signing, leader, second_leader, sign):
    sign(signing, leader)
    sign(signing, second_leader)
    signing.refresh_from_db()
    return signing


def results_url(workshop) -> str:
    return f"/w/{workshop.pk}/results/"


def reading_data(kpi, value="1.5", taken_on="2026-10-31", **more) -> dict:
    fields = {"value": value, "taken_on": taken_on, **more}
    return {f"kpi-{kpi.pk}-{name}": data for name, data in fields.items()}


# The standing of a KPI --------------------------------------------------------------


def standing(**overrides) -> Standing:
    arguments = {
        "direction": "up",
        "baseline": Decimal("10"),
        "target": Decimal("20"),
        "actual": Decimal("15"),
        "taken_on": date(2026, 8, 15),
        "quarter": "2026-Q3",
        "target_quarter": "",
    }
    arguments.update(overrides)
    return progress(**arguments).standing


def test_quarters_have_their_calendar_bounds():
    assert quarter_bounds("2026-Q3") == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))


def test_standing_follows_the_direction_and_the_time_run():
    assert standing() == Standing.ON_TRACK  # half-way, half the time
    assert standing(actual=Decimal("20")) == Standing.MET
    assert standing(actual=Decimal("12")) == Standing.OFF_TRACK  # 20% done, half the time gone
    assert standing(actual=None) == Standing.NO_DATA
    assert standing(target=None) == Standing.NO_DATA
    # Lower is better: 10 -> 5.
    down = {"direction": "down", "baseline": Decimal("10"), "target": Decimal("5")}
    assert standing(**down, actual=Decimal("5")) == Standing.MET
    assert standing(**down, actual=Decimal("7")) == Standing.ON_TRACK
    assert standing(**down, actual=Decimal("11")) == Standing.OFF_TRACK
    # A later target quarter leaves more time; after it, not met is off track.
    assert standing(actual=Decimal("12"), target_quarter="2027-Q2") == Standing.ON_TRACK
    assert standing(actual=Decimal("19"), taken_on=date(2026, 10, 5)) == Standing.OFF_TRACK
    # No baseline: there is no way to measure the path, only the arrival.
    assert standing(baseline=None) == Standing.ON_TRACK


# Recording readings ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader"])
def test_the_lead_and_leaders_record_readings(signed, who, request):
    kpi = signed.kpis.first()
    response = request.getfixturevalue(who).post(
        f"/w/{signed.pk}/results/kpi/{kpi.pk}/reading",
        reading_data(kpi, value="1.5", source="BI export", comment="Monthly close"),
    )
    assert response.status_code == 302
    reading = KpiReading.objects.get(kpi=kpi)
    assert (reading.value, reading.taken_on, reading.source) == (
        Decimal("1.50"),
        date(2026, 10, 31),
        "BI export",
    )
    entry = AuditEntry.objects.get(action="kpi.reading_added")
    assert entry.detail["value"] == "1.50"  # as stored: two decimals


def test_an_observer_reads_the_results_but_records_nothing(signed, as_observer, lead):
    kpi = signed.kpis.first()
    results.add_reading(kpi, value=Decimal("2"), taken_on=date(2026, 9, 30), by=lead)
    page = as_observer.get(results_url(signed))
    assert page.status_code == 200
    assert "Record the reading" not in page.content.decode()
    response = as_observer.post(f"/w/{signed.pk}/results/kpi/{kpi.pk}/reading", reading_data(kpi))
    assert response.status_code == 403
    bet = signed.bets.first()
    response = as_observer.post(
        f"/w/{signed.pk}/results/bet/{bet.pk}/outcome", {f"bet-{bet.pk}-outcome": "achieved"}
    )
    assert response.status_code == 403
    assert KpiReading.objects.count() == 1 and not BetOutcome.objects.exists()


def test_the_results_are_a_404_for_an_outsider(signed, as_outsider):
    kpi = signed.kpis.first()
    assert as_outsider.get(results_url(signed)).status_code == 404
    response = as_outsider.post(f"/w/{signed.pk}/results/kpi/{kpi.pk}/reading", reading_data(kpi))
    assert response.status_code == 404
    assert not KpiReading.objects.exists()


def test_a_bad_reading_is_refused_next_to_its_field(signed, as_lead):
    kpi = signed.kpis.first()
    response = as_lead.post(
        f"/w/{signed.pk}/results/kpi/{kpi.pk}/reading",
        reading_data(kpi, value="a lot", taken_on="yesterday"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a number." in page
    assert "Enter a valid date." in page
    assert not KpiReading.objects.exists()


def test_numbers_are_read_as_the_language_writes_them(signed, as_lead, lead):
    kpi = signed.kpis.first()
    as_lead.post("/i18n/setlang/", {"language": "it"})
    with translation.override("it"):
        response = as_lead.post(
            f"/w/{signed.pk}/results/kpi/{kpi.pk}/reading", reading_data(kpi, value="1.234,5")
        )
    assert response.status_code == 302
    assert KpiReading.objects.get().value == Decimal("1234.50")


def test_results_wait_for_the_sign_off(signing, lead, as_lead):
    kpi = signing.kpis.first()
    with pytest.raises(Refused, match="signed quarter"):
        results.add_reading(kpi, value=Decimal("1"), taken_on=date(2026, 9, 1), by=lead)
    page = as_lead.get(results_url(signing)).content.decode()
    assert "Results are recorded once the quarter is signed off." in page
    response = as_lead.post(
        f"/w/{signing.pk}/results/kpi/{kpi.pk}/reading", reading_data(kpi), follow=True
    )
    assert "Results are recorded for a signed quarter" in response.content.decode()
    assert not KpiReading.objects.exists()


def test_a_reading_is_removed_by_the_lead_or_who_recorded_it(
    signed, lead, leader, as_lead, as_leader
):
    kpi = signed.kpis.first()
    by_lead = results.add_reading(kpi, value=Decimal("1"), taken_on=date(2026, 9, 1), by=lead)
    by_leader = results.add_reading(kpi, value=Decimal("2"), taken_on=date(2026, 9, 2), by=leader)
    assert as_leader.post(f"/w/{signed.pk}/results/reading/{by_lead.pk}/delete").status_code == 403
    assert (
        as_leader.post(f"/w/{signed.pk}/results/reading/{by_leader.pk}/delete").status_code == 302
    )
    assert as_lead.post(f"/w/{signed.pk}/results/reading/{by_lead.pk}/delete").status_code == 302
    assert not KpiReading.objects.exists()
    assert AuditEntry.objects.filter(action="kpi.reading_deleted").count() == 2


# Bet outcomes ------------------------------------------------------------------------


def test_the_lead_records_a_bets_outcome(signed, as_lead, as_leader):
    bet = signed.bets.first()
    data = {f"bet-{bet.pk}-outcome": Outcome.MISSED, f"bet-{bet.pk}-note": "Slipped to Q1."}
    assert as_leader.post(f"/w/{signed.pk}/results/bet/{bet.pk}/outcome", data).status_code == 403
    assert as_lead.post(f"/w/{signed.pk}/results/bet/{bet.pk}/outcome", data).status_code == 302
    outcome = BetOutcome.objects.get(bet=bet)
    assert (outcome.outcome, outcome.note) == (Outcome.MISSED, "Slipped to Q1.")
    # Recorded again: changed, not doubled.
    data[f"bet-{bet.pk}-outcome"] = Outcome.PARTLY
    as_lead.post(f"/w/{signed.pk}/results/bet/{bet.pk}/outcome", data)
    assert BetOutcome.objects.get(bet=bet).outcome == Outcome.PARTLY
    assert AuditEntry.objects.filter(action="bet.outcome_set").count() == 2
    response = as_lead.post(
        f"/w/{signed.pk}/results/bet/{bet.pk}/outcome", {f"bet-{bet.pk}-outcome": "brilliant"}
    )
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()


# Beside the signed record, never in it ---------------------------------------------


def test_results_change_neither_the_signed_hash_nor_the_pdf(signed, lead):
    report = Report.objects.get(workshop=signed)
    signed_hash, pdf_sha = report.content_hash, report.pdf_sha256
    pdf_bytes = report.pdf.open("rb").read()
    for kpi in signed.kpis.all():
        results.add_reading(kpi, value=Decimal("3"), taken_on=date(2026, 9, 30), by=lead)
    for bet in signed.bets.all():
        results.set_outcome(bet, outcome=Outcome.ACHIEVED, note="Done.", by=lead)
    report.refresh_from_db()
    assert snapshot.content_hash(report.snapshot) == signed_hash == report.content_hash
    assert report.pdf_sha256 == pdf_sha
    assert report.pdf.open("rb").read() == pdf_bytes


def test_the_page_shows_each_kpis_standing(signed, lead, as_lead):
    kpi = signed.kpis.exclude(target=None).first()
    results.add_reading(kpi, value=kpi.target, taken_on=date(2026, 9, 30), by=lead)
    page = as_lead.get(results_url(signed)).content.decode()
    assert "standing--met" in page
    assert "No data" in page or signed.kpis.count() == 1


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_the_results_page_costs_the_same_with_more_readings(signed, lead, who, request):
    client = request.getfixturevalue(who)

    def queries() -> int:
        client.get(results_url(signed))
        signals.workshop_changed(signed.pk)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(results_url(signed)).status_code == 200
        return len(captured)

    kpi = signed.kpis.first()
    results.add_reading(kpi, value=Decimal("1"), taken_on=date(2026, 9, 1), by=lead)
    at_first = queries()
    for kpi in signed.kpis.all():
        for day in range(1, 6):
            results.add_reading(kpi, value=Decimal(day), taken_on=date(2026, 9, day), by=lead)
    for bet in signed.bets.all():
        results.set_outcome(bet, outcome=Outcome.ACHIEVED, by=lead)
    assert queries() == at_first


def test_the_json_export_carries_the_results_beside_the_signed_content(signed, lead, as_observer):
    kpi = signed.kpis.order_by("order", "created").first()
    bet = signed.bets.order_by("order", "created").first()
    before = json.loads(as_observer.get(f"/w/{signed.pk}/export.json").content)
    assert before["results"] == {"kpis": [{"key": "K1", "readings": []}], "bets": []}
    results.add_reading(
        kpi, value=Decimal("0.95"), taken_on=date(2026, 10, 31), source="BI", by=lead
    )
    results.set_outcome(bet, outcome=Outcome.PARTLY, note="Half the base moved.", by=lead)
    after = json.loads(as_observer.get(f"/w/{signed.pk}/export.json").content)
    assert after["results"]["kpis"][0]["readings"] == [
        {"taken_on": "2026-10-31", "value": "0.95", "source": "BI", "comment": ""}
    ]
    assert after["results"]["bets"] == [
        {"key": "B1", "outcome": "partly", "note": "Half the base moved."}
    ]
    # The signed content and its hash are what they were.
    assert after["snapshot"] == before["snapshot"]
    assert (
        after["content_hash"] == before["content_hash"] == snapshot.content_hash(after["snapshot"])
    )
