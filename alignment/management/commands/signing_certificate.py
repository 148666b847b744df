"""Show the certificate that seals the signed reports, or make a self-signed one."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtensionOID
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alignment.report import seal


class Command(BaseCommand):
    help = (
        "Show the certificate the signed reports are sealed with: fingerprint, subject, "
        "validity, whether it is self-signed, and its file. With --create-self-signed, make "
        "a new self-signed one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-self-signed",
            action="store_true",
            help="make a self-signed seal certificate (RSA 3072, ten years) with a random "
            "passphrase beside it",
        )
        parser.add_argument(
            "--organisation",
            default="",
            help="its O= (default: CVM_ORGANISATION, else cvm-align)",
        )
        parser.add_argument(
            "--out",
            type=Path,
            help=f"where to write it (default: REPORT_SIGNING_HOME/{seal.SEAL_FILE})",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an existing certificate (reports sealed with the old one no "
            "longer verify as sealed here)",
        )

    def handle(self, *args, create_self_signed: bool, organisation: str, out, force, **options):
        if create_self_signed:
            self.create(out or seal.default_path(), organisation, force)
            return
        if out or force or organisation:
            raise CommandError("--out, --organisation and --force go with --create-self-signed.")
        path = seal.certificate_path()
        if not seal.is_configured() and not path.exists():
            self.stdout.write(
                f"No seal certificate yet: a self-signed one is made at {path} when the first "
                "report is sealed (or now, with --create-self-signed)."
            )
            return
        try:
            certificate = seal.load()
        except seal.SealError as error:
            raise CommandError(str(error)) from error
        self.show(certificate)

    def show(self, certificate: seal.SealCertificate) -> None:
        cert = certificate.certificate
        source = "REPORT_SIGNING_P12" if certificate.configured else "self-signed, made here"
        self.stdout.write(f"File         {certificate.path} ({source})")
        self.stdout.write(f"Subject      {certificate.subject}")
        self.stdout.write(f"Issuer       {seal.describe_name(cert.issuer)}")
        self.stdout.write(f"Fingerprint  SHA-256 {certificate.fingerprint}")
        self.stdout.write(
            f"Valid        {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC to "
            f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
        )
        try:
            usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
            usages = [
                name
                for name, present in (
                    ("digital signature", usage.digital_signature),
                    ("non repudiation", usage.content_commitment),
                )
                if present
            ]
            self.stdout.write(f"Key usage    {', '.join(usages) or 'neither signing use'}")
        except x509.ExtensionNotFound:
            self.stdout.write("Key usage    (not stated)")
        if certificate.self_signed:
            self.stdout.write(
                "Self-signed  yes: PDF readers show the seal as intact, but its signer as "
                "unknown until the reader trusts this certificate (see README, \"The report's "
                'seal").'
            )
        else:
            self.stdout.write(f"Self-signed  no ({len(certificate.chain)} more in its chain)")
        timestamps = settings.REPORT_SIGNING_TSA_URL or "none (PAdES B-B)"
        self.stdout.write(f"Time-stamps  {timestamps}")

    def create(self, out: Path, organisation: str, force: bool) -> None:
        out = out.expanduser()
        organisation = organisation or settings.CVM_ORGANISATION or "cvm-align"
        try:
            seal.make_self_signed(out, organisation=organisation, overwrite=force)
        except FileExistsError as error:
            raise CommandError(
                f"{out} exists. --force replaces it; reports sealed with it would then no "
                "longer verify as sealed here."
            ) from error
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror or error}") from error
        passphrase = seal.passphrase_path(out)
        made = seal.read_p12(out, passphrase.read_bytes().strip(), configured=False)
        self.stdout.write(f"Made {out} (passphrase in {passphrase}, both mode 0600).")
        self.stdout.write(f"Fingerprint  SHA-256 {made.fingerprint}")
        self.stdout.write(f"Subject      {made.subject}")
        if out.resolve() != seal.default_path().resolve() or seal.is_configured():
            self.stdout.write(
                f"To seal reports with it: REPORT_SIGNING_P12={out} and "
                f"REPORT_SIGNING_PASSPHRASE=<the contents of {passphrase}>."
            )
