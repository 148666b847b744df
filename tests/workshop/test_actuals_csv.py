"""A signed quarter's actuals as CSV: imported from a BI export after a preview, all
rows or none; exported for a spreadsheet that must never run what people typed."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import TimestampSigner
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment.models import AuditEntry, CatalogueKpi, Kpi, KpiReading, Workshop
from alignment.services import actuals_csv, results
from alignment.services.errors import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(signing, lead, leader, second_leader, sign):
    """The signed quarter with three KPIs: Churn (K1, from the builder), ARPU from
    the catalogue (K2), and NPS (K3)."""
    bet = signing.bets.first()
    arpu = Kpi.objects.create(
        workshop=signing,
        title="Average revenue per user",
        catalogue=CatalogueKpi.objects.order_by("order").first(),
        baseline=Decimal("20"),
        target=Decimal("22.5"),
        order=2,
        author=lead,
    )
    nps = Kpi.objects.create(
        workshop=signing, title="NPS", baseline=Decimal("-5"), target=Decimal("10"), order=3
    )
    for kpi in (arpu, nps):
        kpi.bets.add(bet)
    sign(signing, leader)
    sign(signing, second_leader)
    signing.refresh_from_db()
    assert signing.status == "signed"
    return signing


def import_url(workshop) -> str:
    return f"/w/{workshop.pk}/results/import"


def upload(client, workshop, content: str | bytes, name: str = "bi-export.csv"):
    body = content.encode() if isinstance(content, str) else content
    return client.post(import_url(workshop), {"file": SimpleUploadedFile(name, body, "text/csv")})


def confirm(client, workshop, page):
    token = page.context["confirm"].initial["upload"]
    return client.post(f"{import_url(workshop)}/confirm", {"upload": token})


def kpis(workshop) -> list[Kpi]:
    return list(workshop.kpis.order_by("order", "created"))


GOOD = (
    "KPI,date,value,source,comment\n"
    "K1,2026-09-30,1.1,Billing,Closing month\n"
    "average revenue per user,2026-09-30,21.75,,\n"
    "K3,2026-10-31,-2,Survey,\n"
)


# Importing ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["as_lead", "as_leader"])
def test_the_lead_and_leaders_import_after_a_preview(signed, who, request):
    client = request.getfixturevalue(who)
    preview = upload(client, signed, GOOD)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Save 3 readings" in page
    # A preview records nothing.
    assert not KpiReading.objects.exists()

    saved = confirm(client, signed, preview)
    assert saved.status_code == 302 and saved["Location"] == f"/w/{signed.pk}/results/"
    churn, arpu, nps = kpis(signed)
    readings = {(r.kpi_id, r.value, r.taken_on, r.source) for r in KpiReading.objects.all()}
    assert readings == {
        (churn.pk, Decimal("1.10"), date(2026, 9, 30), "Billing"),
        # A row without a source takes the file's name.
        (arpu.pk, Decimal("21.75"), date(2026, 9, 30), "bi-export.csv"),
        (nps.pk, Decimal("-2.00"), date(2026, 10, 31), "Survey"),
    }
    assert KpiReading.objects.get(kpi=churn).comment == "Closing month"
    assert AuditEntry.objects.filter(action="kpi.reading_added", workshop=signed).count() == 3
    # The same preview confirmed again (a double click, the back button): saved once.
    again = client.post(
        f"{import_url(signed)}/confirm",
        {"upload": preview.context["confirm"].initial["upload"]},
        follow=True,
    )
    # Read again, every row is recorded now; at the same moment, the claim refuses.
    assert "there is nothing new to save" in again.content.decode()
    assert KpiReading.objects.count() == 3


def test_kpis_are_named_by_key_title_or_catalogue_code_in_any_case(signed, as_lead):
    churn, arpu, nps = kpis(signed)
    code = arpu.catalogue.code
    content = (
        f"kpi;Date;VALUE\n  {code.upper()} ;2026-09-30;1\n churn ;2026-09-30;2\nk3;2026-09-30;3\n"
    )
    preview = upload(as_lead, signed, content)
    assert preview.context["preview"].ok, preview.context["preview"].errors
    assert [row.kpi for row in preview.context["preview"].rows] == [arpu, churn, nps]


def test_a_bad_row_is_refused_with_its_message_and_nothing_is_saved(signed, as_lead):
    content = (
        "KPI,date,value\n"
        "K1,2026-09-30,1.1\n"
        "K9,2026-09-30,2\n"
        "K2,30th of September,3\n"
        "K3,2026-09-30,a lot\n"
        "K1,,5\n"
        "K2,2026-09-30,\n"
        # A KPI without a reading, as the export lists one: left out, not wrong.
        "K3,,\n"
    )
    response = upload(as_lead, signed, content)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Row 3: this quarter has no KPI called &quot;K9&quot;." in page
    assert "Row 4: &quot;30th of September&quot; is not a date" in page
    assert "Row 5: &quot;a lot&quot; is not a number." in page
    assert "Row 6: the date is missing." in page
    assert "Row 7: the value is missing." in page
    assert "5 rows have errors, so nothing can be saved." in page
    assert [row.skipped for row in response.context["preview"].rows][-1] == "no_reading"
    assert "Save " not in page and response.context["confirm"] is None
    assert not KpiReading.objects.exists()

    # Corrected, the file imports.
    fixed = "KPI,date,value\nK1,2026-09-30,1.1\nK3,2026-09-30,2\n"
    saved = confirm(as_lead, signed, upload(as_lead, signed, fixed))
    assert saved.status_code == 302
    assert KpiReading.objects.count() == 2
    assert AuditEntry.objects.filter(action="kpi.reading_added").count() == 2


def test_an_italian_excel_file_with_semicolons_and_a_bom_is_read(signed, as_lead):
    Workshop.objects.filter(pk=signed.pk).update(language="it")
    content = (
        "KPI;Data;Valore;Fonte;Commento\n"
        'K2;30/09/2026;1.234,5;Cruscotto;"Chiusura; trimestre"\n'
        "K3;2026-09-30;-3,25;;\n"
    )
    preview = upload(as_lead, signed, codecs.BOM_UTF8 + content.encode())
    assert preview.status_code == 200, preview.context["preview"].errors
    confirm(as_lead, signed, preview)
    _churn, arpu, nps = kpis(signed)
    reading = KpiReading.objects.get(kpi=arpu)
    assert (reading.value, reading.taken_on, reading.source, reading.comment) == (
        Decimal("1234.50"),
        date(2026, 9, 30),
        "Cruscotto",
        "Chiusura; trimestre",
    )
    assert KpiReading.objects.get(kpi=nps).value == Decimal("-3.25")


def test_english_numbers_and_dates_are_read_as_english_writes_them(signed, as_lead):
    content = 'KPI,date,value\nK2,09/30/2026,"1,234.5"\n'
    preview = upload(as_lead, signed, codecs.BOM_UTF8 + content.encode())
    row = preview.context["preview"].rows[0]
    assert (row.value, row.taken_on, row.errors) == (Decimal("1234.50"), date(2026, 9, 30), [])


def test_a_file_over_the_cap_is_refused_next_to_the_field(signed, as_lead):
    too_big = "KPI,date,value\n" + "K1,2026-09-30,1\n" * 70_000  # over 1 MB
    response = upload(as_lead, signed, too_big)
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB."]
    too_many = "KPI,date,value\n" + "K1,2026-09-30,1\n" * (actuals_csv.MAX_ROWS + 1)
    response = upload(as_lead, signed, too_many)
    assert response.status_code == 422
    assert "at most 5000 rows" in response.context["form"].errors["file"][0]
    assert response.context["preview"] is None
    assert not KpiReading.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The submitted file is empty."),
        ("\n , ,\n", "The file has no rows of actuals."),
        ("KPI,date,value\n\n", "The file has no rows of actuals."),
        ("KPI,amount\nK1,3\n", "missing: Date, Value"),
        ("Name,When,How much\nK1,2026-09-30,1\n", "missing: KPI, Date, Value"),
        ("KPI,date,value\nK1,2026-09-30,1\n".encode("utf-16"), "is not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_a_table_of_actuals_is_refused(signed, as_lead, content, message):
    response = upload(as_lead, signed, content)
    assert response.status_code == 422
    assert message in response.context["form"].errors["file"][0]


def test_an_unsigned_quarter_takes_no_import(signing, as_lead):
    page = as_lead.get(import_url(signing))
    assert "Results are recorded once the quarter is signed off." in page.content.decode()
    response = upload(as_lead, signing, GOOD)
    assert response.status_code == 422
    assert "signed quarter" in response.context["form"].errors["file"][0]
    token = actuals_csv.sign_upload(signing, signing.facilitator, GOOD, file_name="x.csv")
    follow = as_lead.post(f"{import_url(signing)}/confirm", {"upload": token}, follow=True)
    assert "Results are recorded for a signed quarter" in follow.content.decode()
    assert not KpiReading.objects.exists()


def test_the_confirmation_takes_only_a_preview_the_server_signed(signed, as_lead, lead, leader):
    url = f"{import_url(signed)}/confirm"
    # Made up, signed with another salt, or for someone else: refused.
    forged = TimestampSigner(salt="other").sign_object({"w": str(signed.pk), "u": lead.pk})
    someone_elses = actuals_csv.sign_upload(signed, leader, GOOD, file_name="x.csv")
    for token in ("", "K1,2026-09-30,999", forged, someone_elses):
        response = as_lead.post(url, {"upload": token}, follow=True)
        assert "upload the file again" in response.content.decode()
    assert not KpiReading.objects.exists()


def test_an_old_preview_expires(signed, as_lead, lead, monkeypatch):
    token = actuals_csv.sign_upload(signed, lead, GOOD, file_name="x.csv")
    monkeypatch.setattr(actuals_csv, "UPLOAD_MAX_AGE", -1)
    response = as_lead.post(f"{import_url(signed)}/confirm", {"upload": token}, follow=True)
    assert "more than an hour old" in response.content.decode()
    assert not KpiReading.objects.exists()


def test_an_observer_exports_but_does_not_import(signed, as_observer, observer, lead):
    assert as_observer.get(f"/w/{signed.pk}/results/export.csv").status_code == 200
    assert as_observer.get(import_url(signed)).status_code == 403
    assert upload(as_observer, signed, GOOD).status_code == 403
    # Even with a preview the lead was shown.
    token = actuals_csv.sign_upload(signed, lead, GOOD, file_name="x.csv")
    assert as_observer.post(f"{import_url(signed)}/confirm", {"upload": token}).status_code == 403
    page = as_observer.get(f"/w/{signed.pk}/results/").content.decode()
    assert "Export actuals (CSV)" in page and "Import actuals" not in page
    assert not KpiReading.objects.exists()


def test_an_outsider_finds_nothing(signed, as_outsider, lead):
    token = actuals_csv.sign_upload(signed, lead, GOOD, file_name="x.csv")
    assert as_outsider.get(import_url(signed)).status_code == 404
    assert upload(as_outsider, signed, GOOD).status_code == 404
    assert as_outsider.post(f"{import_url(signed)}/confirm", {"upload": token}).status_code == 404
    assert as_outsider.get(f"/w/{signed.pk}/results/export.csv").status_code == 404
    assert not KpiReading.objects.exists()


def test_the_preview_reads_the_kpis_in_one_query_however_many_rows(signed, as_lead):
    def queries(rows: int) -> int:
        content = "KPI,date,value\n" + "K1,2026-09-30,1\nK2,2026-09-30,2\n" * rows
        with CaptureQueriesContext(connection) as captured:
            response = upload(as_lead, signed, content)
        assert response.status_code == 200
        return len(captured)

    assert queries(1) == queries(200)


# Exporting ---------------------------------------------------------------------------


def exported(client, workshop) -> tuple[list[list[str]], object]:
    response = client.get(f"/w/{workshop.pk}/results/export.csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(body[1:]))), response


def test_the_export_has_every_kpi_and_every_reading(signed, as_lead, lead):
    churn, arpu, nps = kpis(signed)
    results.add_reading(churn, value=Decimal("1.1"), taken_on=date(2026, 8, 31), by=lead)
    results.add_reading(churn, value=Decimal("0.9"), taken_on=date(2026, 9, 30), by=lead)
    results.add_reading(nps, value=Decimal("-2"), taken_on=date(2026, 9, 30), by=lead)
    rows, response = exported(as_lead, signed)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="cvm-actuals-acme-2026-Q4.csv"'
    )
    header, *body = rows
    assert header[:3] == ["KPI", "Title", "Catalogue code"]
    assert [(row[0], row[8], row[9]) for row in body] == [
        ("K1", "2026-08-31", "1.10"),
        ("K1", "2026-09-30", "0.90"),
        ("K2", "", ""),  # no reading yet: one row, empty actuals
        ("K3", "2026-09-30", "-2.00"),  # a number we write stays a number
    ]
    assert body[0][1:8] == ["Churn", "", "", "Lower is better", "1.20", "0.80", ""]
    assert body[2][2] == arpu.catalogue.code
    assert body[3][5] == "-5.00"  # the baseline, negative, unprefixed


def test_the_export_neutralises_text_that_would_run_as_a_formula(signed, as_lead, lead):
    churn = kpis(signed)[0]
    Kpi.objects.filter(pk=churn.pk).update(title='=HYPERLINK("http://evil.test","Click")')
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        results.add_reading(
            churn,
            value=Decimal("1"),
            taken_on=date(2026, 9, 30),
            source=text,
            comment=text,
            by=lead,
        )
    rows, _response = exported(as_lead, signed)
    churn_rows = [row for row in rows if row[0] == "K1"]
    assert {row[1] for row in churn_rows} == {'\'=HYPERLINK("http://evil.test","Click")'}
    # add_reading trims the tab away; what is left is neutralised.
    assert sorted(row[10] for row in churn_rows) == sorted(
        ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "x"]
    )
    assert all(row[10] == row[11] for row in churn_rows)
    assert actuals_csv.safe_text("\tx") == "'\tx" and actuals_csv.safe_text("\rx") == "'\rx"


def test_an_italian_quarter_exports_with_semicolons_and_decimal_commas(signed, as_lead, lead):
    Workshop.objects.filter(pk=signed.pk).update(language="it")
    churn = kpis(signed)[0]
    results.add_reading(churn, value=Decimal("1234.5"), taken_on=date(2026, 9, 30), by=lead)
    body = as_lead.get(f"/w/{signed.pk}/results/export.csv").content.decode()[1:]
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert (rows[1][0], rows[1][9]) == ("K1", "1234,50")
    # What it exports, it imports again.
    signed.refresh_from_db()
    preview = actuals_csv.read_actuals(signed, body, file_name="again.csv")
    assert preview.rows[0].value == Decimal("1234.50")


def test_an_export_imports_as_is_and_saves_only_the_rows_added_to_it(signed, as_lead, lead):
    churn, arpu, nps = kpis(signed)
    results.add_reading(
        churn, value=Decimal("1.1"), taken_on=date(2026, 8, 31), source="=SUM(A1)", by=lead
    )
    body = as_lead.get(f"/w/{signed.pk}/results/export.csv").content.decode()
    # Unchanged: every row is there already or has no reading; nothing to save.
    again = upload(as_lead, signed, body, name="export.csv")
    assert again.status_code == 200
    preview = again.context["preview"]
    assert not preview.errors and not preview.ok and again.context["confirm"] is None
    assert [(row.key, row.skipped) for row in preview.rows] == [
        ("K1", "recorded"),
        ("", "no_reading"),
        ("", "no_reading"),
    ]
    assert "there is nothing new to save" in again.content.decode()
    # The apostrophe that kept the source from running is not part of the text.
    assert preview.rows[0].source == "=SUM(A1)"
    # A reading added in the spreadsheet is the only one saved.
    added = body + "K2,Average revenue per user,,,,,,,2026-09-30,21.75,BI,\r\n"
    page = upload(as_lead, signed, added, name="export.csv")
    assert "Save 1 reading" in page.content.decode()
    assert confirm(as_lead, signed, page).status_code == 302
    assert KpiReading.objects.count() == 2
    assert KpiReading.objects.get(kpi=arpu).value == Decimal("21.75")
    with pytest.raises(Refused, match="nothing new"):
        actuals_csv.save_actuals(
            signed, actuals_csv.read_actuals(signed, body, file_name="x.csv"), by=lead
        )


def test_two_confirmations_at_once_save_the_file_once(signed, as_lead):
    preview = upload(as_lead, signed, GOOD)
    token = preview.context["confirm"].initial["upload"]
    # The other click claimed this preview a moment ago and is saving it.
    cache.add(f"actuals-import:{hashlib.sha256(token.encode()).hexdigest()}", 1)
    page = as_lead.post(f"{import_url(signed)}/confirm", {"upload": token}, follow=True)
    assert "This preview was saved already" in page.content.decode()
    assert not KpiReading.objects.exists()


@pytest.mark.parametrize("language", ["en", "it"])
def test_a_damaged_file_is_refused_with_its_line_in_the_readers_language(signed, as_lead, language):
    # A quotation mark left open swallows the rest of the file into one cell.
    content = "KPI,date,value\nK1,2026-09-30,1\n" + 'K2,"2026-09-30,' + "x" * 140_000 + "\n"
    response = as_lead.post(
        import_url(signed),
        {"file": SimpleUploadedFile("bi.csv", content.encode(), "text/csv")},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    error = response.context["form"].errors["file"][0]
    assert "field limit" not in error  # not the csv module's English
    assert ("from line 3 on" if language == "en" else "dalla riga 3 in poi") in error
    assert not KpiReading.objects.exists()


def test_the_export_queries_do_not_grow_with_the_readings(signed, as_lead, lead):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            exported(as_lead, signed)
        return len(captured)

    few = queries()
    for kpi in kpis(signed):
        for day in range(1, 21):
            results.add_reading(kpi, value=Decimal(day), taken_on=date(2026, 9, day), by=lead)
    assert queries() == few


def test_an_unsigned_quarter_has_no_export(signing, as_lead):
    response = as_lead.get(f"/w/{signing.pk}/results/export.csv", follow=True)
    assert response.redirect_chain[-1][0] == f"/w/{signing.pk}/results/"
    assert "Results are recorded for a signed quarter" in response.content.decode()
