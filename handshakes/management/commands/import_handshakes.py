"""Load functional areas and template versions from a JSON or YAML export.

All or nothing: the whole file is checked first and refused with every problem
listed if anything is wrong. See `handshakes.transfer` for what happens to areas
and versions that already exist.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from handshakes.transfer import MAX_IMPORT_BYTES, ImportRefused, import_document, read_document


class Command(BaseCommand):
    help = (
        "Import handshake templates from a JSON or YAML file (at most "
        f"{MAX_IMPORT_BYTES // 1024 // 1024} MB). Versions are matched by area and "
        "version; published and retired versions cannot change."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json, .yaml or .yml file.")

    def handle(self, *args, file: str, **options):
        try:
            result = import_document(read_document(file))
        except ImportRefused as refused:
            problems = "\n".join(f"  {error}" for error in refused.errors)
            raise CommandError(f"Import refused; nothing was written.\n{problems}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result}"))
