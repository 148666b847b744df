"""The quarterly workshop, its participants and the six alignment aspects."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from flavors.diagnostic import DiagnosticError, score

QUARTER_RE = re.compile(r"^(20\d\d)-Q([1-4])$")

quarter_validator = RegexValidator(
    QUARTER_RE, _("Write the quarter as year and quarter, for example 2026-Q4.")
)

TITLE_MAX = 200
TEXT_MAX = 2000


def next_quarter(quarter: str) -> str:
    year, q = QUARTER_RE.match(quarter).groups()
    year, q = int(year), int(q)
    return f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    REVIEW = "review", _("Review")
    SIGNING = "signing", _("Signing")
    SIGNED = "signed", _("Signed")


class WorkshopRole(models.TextChoices):
    LEAD = "lead", _("CVM lead")
    LEADER = "leader", _("Leader")
    OBSERVER = "observer", _("Observer")


class WorkshopQuerySet(models.QuerySet):
    def for_user(self, user) -> WorkshopQuerySet:
        """Workshops of the organisations a person belongs to; nothing else, ever."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organization__memberships__user=user)


class Workshop(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "alignment.Organization", on_delete=models.CASCADE, related_name="workshops"
    )
    quarter = models.CharField(_("quarter"), max_length=7, validators=[quarter_validator])
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="facilitated_workshops",
        verbose_name=_("facilitator"),
    )
    current_step = models.CharField(_("current step"), max_length=40, blank=True)
    # Bumped on every change; the live-sync poll compares it and answers 304.
    revision = models.PositiveIntegerField(default=1)
    # Facilitation state, visible to everyone in the room.
    countdown_ends_at = models.DateTimeField(null=True, blank=True)
    brainstorm_step = models.CharField(max_length=40, blank=True)
    # How the open brainstorm runs, as the facilitator chose when opening it:
    # anonymous answers are nobody's but their author's, for good; moderated ones
    # are seen by the facilitator first, who may group duplicates or set one aside.
    brainstorm_anonymous = models.BooleanField(default=False)
    brainstorm_moderated = models.BooleanField(default=False)
    # The flavor diagnostic's answers (question key -> choice key); scored on demand
    # by flavors.diagnostic.score, which is a pure function.
    flavor_answers = models.JSONField(default=dict, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_quarters",
        verbose_name=_("previous quarter"),
    )
    # The lead's override of coherence blockers for sign-off, with its reason.
    override_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["organization", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "quarter"], name="one_workshop_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quarter} · {self.title}"

    @property
    def is_frozen(self) -> bool:
        return self.status == Status.SIGNED

    @property
    def flavor_result(self):
        """The diagnostic result, or None before the team has answered."""
        if not self.flavor_answers:
            return None
        try:
            return score(self.flavor_answers)
        except DiagnosticError:
            # Answers saved under an older questionnaire: ask the team again.
            return None


class ParticipantQuerySet(models.QuerySet):
    def seat_members(self, workshop: Workshop) -> None:
        """Seat every current member of the workshop's organisation."""
        self.bulk_create(
            [
                Participant(workshop=workshop, user_id=user_id)
                for user_id in workshop.organization.memberships.values_list("user_id", flat=True)
            ],
            ignore_conflicts=True,
        )

    def seat_in_open_workshops(self, user, organization_id) -> None:
        """Seat a new member in every workshop of the organisation not yet signed
        (a signed workshop keeps the people it had)."""
        self.bulk_create(
            [
                Participant(workshop_id=workshop_id, user=user)
                for workshop_id in Workshop.objects.filter(organization_id=organization_id)
                .exclude(status=Status.SIGNED)
                .values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )


class Participant(models.Model):
    """A person's own settings in one workshop.

    What a person may do in a workshop is never stored here: it follows from their
    membership of the organisation (`Membership.workshop_role`), so a role changed
    or a member removed on People and roles takes effect on their next request.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    follows_facilitator = models.BooleanField(_("follow the facilitator"), default=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["user__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="one_participation_per_person"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class AspectItemQuerySet(models.QuerySet):
    """Who may see which answers: the one place that decides.

    A private brainstorm saves new answers unrevealed; until the facilitator
    reveals them they are their author's alone. Everything the team shares (the
    review, the snapshot leaders sign, the comparison, the export, the link
    pickers) is built from `revealed()`; a person's own lists from `visible_to()`.
    """

    def revealed(self) -> AspectItemQuerySet:
        return self.filter(revealed=True)

    def visible_to(self, user) -> AspectItemQuerySet:
        """What this person sees: every revealed answer and their own hidden ones."""
        return self.filter(self._visible(user))

    def hidden_from(self, user) -> AspectItemQuerySet:
        """Other people's answers that are still hidden from this person."""
        return self.exclude(self._visible(user))

    @staticmethod
    def _visible(user) -> models.Q:
        if user is None or not user.is_authenticated:
            return models.Q(revealed=True)
        return models.Q(revealed=True) | models.Q(author_id=user.pk)


class AspectItem(models.Model):
    """What every answer in the workshop has: text, order, author, visibility, version.

    `version` is bumped on each save and checked on edit, so two people editing the
    same answer never silently overwrite each other.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    order = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Shared by an item and its copies in later quarters, so the quarter-over-quarter
    # comparison can tell an edited answer from a removed and a new one.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    # False while a private brainstorm hides it from everyone but its author.
    revealed = models.BooleanField(default=True)
    # Written in an anonymous brainstorm: no page, export or report names its
    # author, the lead's included. The author is kept for their own edit rights
    # and for a site admin's abuse handling.
    anonymous = models.BooleanField(default=False)
    # Why the facilitator, moderating, kept it out of the reveal: it stays hidden,
    # and its author sees the reason.
    set_aside = models.CharField(_("reason for setting it aside"), max_length=300, blank=True)
    # The group of similar answers it is in, since the reveal.
    group = models.ForeignKey(
        "alignment.AnswerGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AspectItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "created"]

    def __str__(self) -> str:
        return self.title


class Persona(AspectItem):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="personas")
    share_of_base = models.DecimalField(
        _("share of the customer base (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta(AspectItem.Meta):
        verbose_name = _("persona")
        verbose_name_plural = _("personas")


class Need(AspectItem):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="needs")
    persona = models.ForeignKey(
        Persona,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("persona"),
    )

    class Meta(AspectItem.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class AlternativeKind(models.TextChoices):
    COMPETITOR = "competitor", _("Competitor")
    SUBSTITUTE = "substitute", _("Substitute")
    DO_NOTHING = "do_nothing", _("Doing nothing")


class Alternative(AspectItem):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="alternatives")
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternatives",
        verbose_name=_("need it answers"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=AlternativeKind.choices,
        default=AlternativeKind.COMPETITOR,
    )

    class Meta(AspectItem.Meta):
        verbose_name = _("alternative")
        verbose_name_plural = _("alternatives")


class StrategyStatement(AspectItem):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="strategies")

    class Meta(AspectItem.Meta):
        verbose_name = _("strategy statement")
        verbose_name_plural = _("strategy statements")


class BusinessObjective(AspectItem):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="objectives")
    strategy = models.ForeignKey(
        StrategyStatement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("strategy statement"),
    )
    metric = models.CharField(_("metric"), max_length=TITLE_MAX, blank=True)
    target = models.CharField(_("target"), max_length=TITLE_MAX, blank=True)

    class Meta(AspectItem.Meta):
        verbose_name = _("business objective")
        verbose_name_plural = _("business objectives")


class MajorInitiative(AspectItem):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="initiatives")
    objective = models.ForeignKey(
        BusinessObjective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("objective it serves"),
    )
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    due_quarter = models.CharField(
        _("due quarter"), max_length=7, blank=True, validators=[quarter_validator]
    )

    class Meta(AspectItem.Meta):
        verbose_name = _("major initiative")
        verbose_name_plural = _("major initiatives")


class StrategicBet(AspectItem):
    """Leadership's commitment: for a persona whose need is served today by an
    alternative, we will make a move, because it advances an objective through an
    initiative. `title` is the statement, `description` the rationale."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="bets")
    personas = models.ManyToManyField(Persona, blank=True, related_name="bets")
    needs = models.ManyToManyField(Need, blank=True, related_name="bets")
    alternatives = models.ManyToManyField(Alternative, blank=True, related_name="bets")
    objectives = models.ManyToManyField(BusinessObjective, blank=True, related_name="bets")
    initiatives = models.ManyToManyField(MajorInitiative, blank=True, related_name="bets")

    LINK_FIELDS = ("personas", "needs", "alternatives", "objectives", "initiatives")

    class Meta(AspectItem.Meta):
        verbose_name = _("strategic bet")
        verbose_name_plural = _("strategic bets")


def check_same_workshop(workshop: Workshop, items) -> None:
    """Refuse links or parents that belong to another workshop."""
    for item in items:
        if item is not None and item.workshop_id != workshop.pk:
            raise ValidationError(
                _("%(item)s belongs to another workshop and cannot be linked here."),
                params={"item": item},
                code="other_workshop",
            )


class AnswerGroup(models.Model):
    """Similar answers of one step, as the reveal proposed them and the facilitator
    shaped them: merged, split, renamed. Each answer keeps its own text, author and
    lineage; the group is what the room votes on when the facilitator chooses."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="answer_groups")
    step = models.CharField(max_length=40)
    title = models.CharField(_("group title"), max_length=TITLE_MAX)
    order = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group of answers")
        verbose_name_plural = _("groups of answers")
        ordering = ["order", "created"]
        indexes = [models.Index(fields=["workshop", "step"])]

    def __str__(self) -> str:
        return self.title


class DotVote(models.Model):
    """A dot vote on the items of one step, with a budget of dots per person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes")
    step = models.CharField(max_length=40)
    budget = models.PositiveSmallIntegerField(
        _("dots per person"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    is_open = models.BooleanField(default=True)
    # The dots go to the step's groups of answers rather than to each answer.
    on_groups = models.BooleanField(default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened = models.DateTimeField(auto_now_add=True)
    closed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "step"],
                condition=models.Q(is_open=True),
                name="one_open_vote_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"Dot vote on {self.step} ({self.budget} dots each)"


class Dot(models.Model):
    vote = models.ForeignKey(DotVote, on_delete=models.CASCADE, related_name="dots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item_id = models.UUIDField(db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"Dot by {self.voter_id} on {self.item_id}"


class Change(models.Model):
    """What each revision touched, so the live-sync poll swaps only those parts."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="changes")
    revision = models.PositiveIntegerField()
    step = models.CharField(max_length=40, blank=True)
    facilitation = models.BooleanField(default=False)
    # The facilitator moved the room to another step: followers go along.
    moved = models.BooleanField(default=False)

    class Meta:
        ordering = ["revision"]
        indexes = [models.Index(fields=["workshop", "revision"])]

    def __str__(self) -> str:
        return f"r{self.revision} {self.step or 'facilitation'}"
