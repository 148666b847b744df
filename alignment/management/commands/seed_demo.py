"""Build the demo telco organisation. Idempotent: a second run changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alignment import demo
from alignment.demo.results import record_results
from alignment.models import Membership, Organization, Role, Status, User, Workshop
from alignment.services import quarters, signoff, workshops
from flavors.diagnostic import DEMO_Q3_ANSWERS, DEMO_Q4_ANSWERS

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ORGANIZATION = {"slug": "demo-telco", "name": "Demo Telco"}
DEMO_PEOPLE = [
    # email, display name, organisation role, job title
    ("lead@demo.test", "Laura Bianchi", Role.LEAD, "Head of CVM"),
    ("ceo@demo.test", "Marco Rossi", Role.LEADER, "Chief Executive Officer"),
    ("cfo@demo.test", "Giulia Conti", Role.LEADER, "Chief Financial Officer"),
    ("cmo@demo.test", "Paolo Ferrari", Role.LEADER, "Chief Marketing Officer"),
    ("viewer@demo.test", "Sara Greco", Role.OBSERVER, "Strategy Analyst"),
]
DEMO_ADMIN = ("admin@demo.test", "Site Admin")


class Command(BaseCommand):
    help = "Create the demo telco organisation, its people and its workshops (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply every list N times (for benchmarks). Default 1.",
        )
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="Give the demo logins their password even when DEBUG is off.",
        )

    def handle(self, *args, scale: int, with_passwords: bool, **options):
        if scale < 1 or scale > 100:
            raise CommandError("--scale must be between 1 and 100.")
        set_passwords = settings.DEBUG or with_passwords
        with transaction.atomic():
            organization, _ = Organization.objects.get_or_create(
                slug=DEMO_ORGANIZATION["slug"], defaults={"name": DEMO_ORGANIZATION["name"]}
            )
            for email, name, role, title in DEMO_PEOPLE:
                user = self._person(email, name, set_passwords)
                Membership.objects.get_or_create(
                    organization=organization, user=user, defaults={"role": role, "title": title}
                )
            admin = self._person(*DEMO_ADMIN, set_passwords, staff=True)
            Membership.objects.get_or_create(
                organization=organization,
                user=admin,
                defaults={"role": Role.ADMIN, "title": "Organisation admin"},
            )
            lead = User.objects.get(email="lead@demo.test")
            q3 = self._q3(organization, lead, scale)
            self._q4(organization, lead, q3, scale)
        self.stdout.write(self.style.SUCCESS(f"Demo organisation ready: {organization.name}"))
        if set_passwords:
            logins = ", ".join(email for email, *_ in [*DEMO_PEOPLE, DEMO_ADMIN])
            self.stdout.write(f"Demo logins: {logins} (password {DEMO_PASSWORD})")
        else:
            self.stdout.write("Demo people were created without passwords (DEBUG is off).")

    def _q3(self, organization, lead, scale) -> Workshop:
        workshop = Workshop.objects.filter(organization=organization, quarter="2026-Q3").first()
        if workshop is not None:
            return workshop
        workshop = workshops.create_workshop(
            organization, quarter="2026-Q3", title="Q3 alignment", language="en", by=lead
        )
        demo.build_workshop(workshop, author=lead, scale=scale, variant="q3")
        workshops.save_flavor_answers(workshop, dict(DEMO_Q3_ANSWERS), by=lead)
        # Q3 went through the real sign-off: every leader signed, the report exists.
        for status in (Status.LIVE, Status.REVIEW, Status.SIGNING):
            workshops.transition(workshop, status, by=lead)
        workshop.refresh_from_db()
        for signer in signoff.required_signers(workshop):
            _data, content_hash = signoff.current_content(workshop)
            # Each leader reads what they sign, then signs it.
            signoff.open_content(workshop, by=signer.user, content_hash=content_hash)
            signoff.sign(workshop, by=signer.user, content_hash=content_hash)
        workshop.refresh_from_db()
        # And the quarter since: what its KPIs did, how its bets turned out.
        record_results(workshop, by=lead)
        return workshop

    def _q4(self, organization, lead, q3, scale) -> Workshop:
        workshop = Workshop.objects.filter(organization=organization, quarter="2026-Q4").first()
        if workshop is not None:
            return workshop
        workshop = quarters.start_next_quarter(q3, by=lead, quarter="2026-Q4")
        demo.evolve_to_q4(workshop, author=lead, scale=scale)
        workshop.title = "Q4 alignment"
        workshop.flavor_answers = dict(DEMO_Q4_ANSWERS)
        workshop.status = Status.LIVE
        workshop.current_step = "results"
        workshop.save(update_fields=["title", "status", "current_step", "flavor_answers"])
        return workshop

    def _person(self, email: str, name: str, set_password: bool, staff: bool = False) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "is_staff": staff, "is_superuser": staff}
        )
        # Only touch the password when it is missing or wrong, so a second run
        # writes nothing (idempotent) yet still repairs a changed demo password.
        if set_password and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
