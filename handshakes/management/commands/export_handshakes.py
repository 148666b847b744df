"""Write every functional area and every template version as JSON or YAML."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from handshakes.transfer import dump, export_document


class Command(BaseCommand):
    help = (
        "Export all functional areas and all handshake template versions, in a stable "
        "order, to stdout or a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "yaml"], default="json")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")

    def handle(self, *args, format: str, output: str | None, **options):
        text = dump(export_document(), format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror or error}") from error
        self.stderr.write(f"Wrote {output}")
