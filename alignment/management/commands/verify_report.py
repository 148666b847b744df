"""Check a report PDF: its seal, its embedded content, the signed report it is."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alignment.forms import MAX_PDF_BYTES
from alignment.models import Report
from alignment.report import verification

MARKS = {True: "yes", False: "NO ", None: " - "}


class Command(BaseCommand):
    help = (
        "Check a report PDF: sealed by this site and unchanged since, carrying the signed "
        "content it prints the hash of; and which signed workshop it is. Exit status 0 "
        "when every check passes, 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the PDF to check")

    def handle(self, *args, file: Path, **options):
        try:
            size = file.stat().st_size
            if size > MAX_PDF_BYTES:
                raise CommandError(f"{file} is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB.")
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        inspection = verification.inspect_pdf(data)
        self.stdout.write(f"File     {file} ({len(data):,} bytes)")
        self.stdout.write(f"SHA-256  {inspection.file_sha256}")
        for check in inspection.checks():
            self.stdout.write(f"  {MARKS[check.passed]}  {check.label}")
            if check.detail:
                self.stdout.write(f"         {check.detail}")
        if inspection.signed and not inspection.ours and inspection.seal_fingerprint:
            self.stdout.write(f"This site's seal: SHA-256 {inspection.seal_fingerprint}")
        self.stdout.write(f"Verdict  {inspection.verdict}: {inspection.sentence}")
        reports = Report.objects.select_related("workshop__organization")
        report, match_by = verification.matching_report(inspection, reports)
        if report is None:
            self.stdout.write("Signed workshop: none here matches.")
        else:
            workshop = report.workshop
            how = (
                "the file itself"
                if match_by == verification.Match.FILE
                else "the signed content it carries"
            )
            self.stdout.write(
                f"Signed workshop: {workshop.organization.name} · {workshop.quarter} · "
                f"{workshop.title} (matched by {how})"
            )
        if not inspection.ok:
            raise CommandError(f"The report does not verify ({inspection.verdict}).", returncode=1)
