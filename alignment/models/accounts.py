"""People and organisations: who may see and do what."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alignment.models.workshop import WorkshopRole

# Email addresses ----------------------------------------------------------------


def normalize_email(value: str | None) -> str:
    """The one form of an address that is stored, matched, throttled and kept unique.

    Unicode NFKC folds compatibility forms (full-width letters, ligatures) into
    their plain letters; surrounding whitespace goes; the whole address is
    lower-cased. Lower-case rather than casefold: casefold turns "ß" into "ss",
    which names a different domain under IDNA 2008, and mail would go elsewhere.
    """
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    return unicodedata.normalize("NFKC", text)


# Characters that do not show, or show as something else: control and format
# characters (zero-width space and joiners, bidi overrides, soft hyphen), private
# use, unassigned code points, and every kind of space but the plain one.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def _script(char: str) -> str:
    # Unicode names begin with the script of a letter: LATIN SMALL LETTER A,
    # CYRILLIC SMALL LETTER A, GREEK SMALL LETTER ALPHA.
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _readable(address: str) -> str:
    """The address with its internationalised labels (xn--...) decoded, so that a
    look-alike hidden in Punycode is checked like one typed directly."""
    local, _at, domain = address.rpartition("@")
    labels = []
    for label in domain.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError as error:
                raise ValidationError(_("Enter a valid email address."), code="invalid") from error
        labels.append(label)
    return f"{local}@{'.'.join(labels)}" if _at else address


def validate_email_address(value: str) -> None:
    """Refuse an address that could pass for another one: invisible or control
    characters, or letters from more than one script (Latin mixed with Cyrillic
    or Greek, the classic way to imitate a colleague's address)."""
    address = _readable(normalize_email(value))
    # As typed too: NFKC turns a no-break space into a plain one.
    if any(
        unicodedata.category(c) in _INVISIBLE or (unicodedata.category(c) == "Zs" and c != " ")
        for c in (value or "").strip() + address
    ):
        raise ValidationError(
            _(
                "This address contains an invisible or special character. "
                "Please type it again by hand."
            ),
            code="invisible",
        )
    scripts = {_script(c) for c in address if unicodedata.category(c).startswith("L")}
    if len(scripts) > 1:
        raise ValidationError(
            _(
                "This address mixes letters from different alphabets (for example Latin "
                "and Cyrillic), which is how look-alike addresses are made. Please type "
                "it again by hand."
            ),
            code="mixed_scripts",
        )


def axes_username(request, credentials: dict | None = None) -> str | None:
    """What django-axes counts failures against (AXES_USERNAME_CALLABLE): the same
    normalised address sign-in matches, so "Victim@..." or its full-width form
    is the same locked identity as "victim@..."."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = credentials.get(field) if credentials else None
    if raw is None and request is not None:
        raw = getattr(request, "data", request.POST).get(field)
    return normalize_email(raw) if raw else raw


# People --------------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return normalize_email(email)

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Addresses are stored normalised, so sign-in normalises what was typed and
        # matches exactly: the same identity the login throttle counts.
        return self.get(email=normalize_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    is_staff = models.BooleanField(
        _("site staff"),
        default=False,
        help_text=_("Staff curate the handshake library and the KPI catalogue in the admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @classmethod
    def normalize_username(cls, username: str) -> str:
        # Called by clean() (the admin's forms): the one normalisation.
        return normalize_email(username)

    def save(self, *args, **kwargs):
        # Every way of saving a person stores the one normalised address, so the
        # unique constraint on email is uniqueness of the identity.
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p]
        if not parts:
            return self.email[:2].upper()
        return "".join(p[0] for p in parts[:2]).upper()


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    LEAD = "lead", _("CVM lead")
    LEADER = "leader", _("Leader")
    OBSERVER = "observer", _("Observer")


# A member's rights in every workshop of their organisation follow from their role
# in it, and from nothing else.
WORKSHOP_ROLE = {
    Role.ADMIN: WorkshopRole.LEAD,
    Role.LEAD: WorkshopRole.LEAD,
    Role.LEADER: WorkshopRole.LEADER,
    Role.OBSERVER: WorkshopRole.OBSERVER,
}


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user) -> OrganizationQuerySet:
        """The organisations a person belongs to. The only way views reach them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Membership(models.Model):
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEADER)
    title = models.CharField(
        _("job title"),
        max_length=80,
        blank=True,
        help_text=_("For example CEO or Head of Pricing."),
    )
    created = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="one_membership_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.organization}"

    @property
    def workshop_role(self) -> str:
        """What this member is in every workshop of the organisation."""
        return WORKSHOP_ROLE[self.role]

    @property
    def can_manage_members(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_facilitate(self) -> bool:
        return self.role in (Role.ADMIN, Role.LEAD)

    @property
    def can_contribute(self) -> bool:
        return self.role in (Role.ADMIN, Role.LEAD, Role.LEADER)


# Invitations ---------------------------------------------------------------------

INVITATION_VALIDITY = timedelta(days=7)


def hash_token(token: str) -> str:
    """Invitation tokens are stored as their SHA-256 only: a copy of the database
    (a backup, a support dump) cannot be used to accept anyone's invitation."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh (token, hash): the token goes in the email, the hash in the row."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        """Neither accepted nor revoked (expired ones included: they can be resent)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An address invited to join an organisation. No membership exists until the
    person who reads that mailbox accepts, as a new account or signed in as theirs."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEADER)
    title = models.CharField(_("job title"), max_length=80, blank=True)
    # What the inviting admin typed: only a suggestion when a new account is made,
    # never applied to an existing one.
    display_name = models.CharField(_("name"), max_length=120, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["organization", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_pending_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires

    @property
    def is_usable(self) -> bool:
        return self.is_pending and not self.is_expired

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.is_expired else "pending"
