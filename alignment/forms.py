from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordMixin
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from alignment.models import (
    AgreementStatus,
    Alternative,
    BusinessObjective,
    CatalogueKpi,
    Direction,
    HandshakeAgreement,
    Kpi,
    MajorInitiative,
    Membership,
    MomentOfTruth,
    Need,
    Outcome,
    Persona,
    Role,
    StrategicBet,
    StrategyStatement,
    User,
    Workshop,
)
from alignment.models.accounts import normalize_email, validate_email_address
from alignment.models.workshop import TEXT_MAX, TITLE_MAX, quarter_validator
from alignment.numbers import parse_number
from alignment.services import transfer
from alignment.services.errors import Refused
from alignment.text import clean_user_text
from handshakes.models import HandshakeTemplate


def _takes_text(field: forms.Field) -> bool:
    # Addresses are identities: refused when odd, never repaired into another one.
    # Passwords are matched as typed.
    return (
        isinstance(field, forms.CharField)
        and not isinstance(field, forms.EmailField)
        and not isinstance(field.widget, forms.PasswordInput)
    )


class CleansUserText:
    """Every form that takes text from people has this first among its bases.

    Just before validation, each text field's submitted value goes through
    alignment.text.clean_user_text (bidi controls and control characters removed;
    line breaks kept where the widget is a textarea). It works on the submitted
    data, so a field added later is covered without a line of its own, and
    `required`, `max_length` and every clean_<field> judge the text that will be
    stored; a form shown again after an error shows that text too.
    """

    def full_clean(self):
        if self.is_bound:
            self.data = self._data_without_invisible_characters()
        super().full_clean()

    def _data_without_invisible_characters(self):
        data = self.data.copy()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if not _takes_text(field) or key not in data:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if hasattr(data, "setlist"):  # a QueryDict: every value sent under the name
                data.setlist(key, _cleaned(data.getlist(key), multiline))
            else:
                data[key] = _cleaned(data[key], multiline)
        return data


def _cleaned(value, multiline: bool):
    if isinstance(value, str):
        return clean_user_text(value, multiline=multiline)
    if isinstance(value, list | tuple):
        return [_cleaned(item, multiline) for item in value]
    return value


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by email. Failures get one generic message, so no account is revealed."""

    error_messages = {
        "invalid_login": _("That email and password do not match an account. Please try again."),
        "inactive": _("That email and password do not match an account. Please try again."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "maxlength": 254}
        )


class EmailAddressField(forms.EmailField):
    """An address as typed, in its one normalised form, refused if it could pass
    for another (invisible characters, mixed alphabets) with the reason given."""

    def to_python(self, value):
        return normalize_email(super().to_python(value))

    def clean(self, value):
        # The look-alike check first, on what was typed, and alone: "Enter a valid
        # email address" on top of it would hide the reason.
        if value not in self.empty_values:
            validate_email_address(value)
        return super().clean(value)


class InviteForm(CleansUserText, forms.Form):
    email = EmailAddressField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The invitation goes to this address; only its owner can accept it."),
    )
    display_name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("As colleagues know them, up to 120 characters."),
    )
    title = forms.CharField(label=_("Job title"), max_length=80, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.LEADER)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please give a name."))
        return name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # This organisation's own members only: it says nothing about accounts.
        if Membership.objects.filter(organization=self.organization, user__email=email).exists():
            raise forms.ValidationError(_("This person is already a member."))
        return email


class NewAccountForm(CleansUserText, SetPasswordMixin, forms.Form):
    """Accepting an invitation with no account yet: a name and a password."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("As colleagues know you, up to 120 characters."),
    )
    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1=_("Choose a password"), label2=_("The same password again")
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please give your name."))
        return name

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        # Django's validators, judged against the account about to exist (a
        # password like the address or the name is refused).
        person = User(email=self.email, display_name=self.cleaned_data.get("display_name", ""))
        self.validate_password_for_user(person, "new_password2")
        return super().clean()


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form, finding the account by the one normalised address.

    Its answer never depends on whether an account exists (the view shows the same
    page either way), and the mail goes to the address stored on the account.
    """

    email = EmailAddressField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        # Unlike Django's default, an account without a usable password may reset
        # too: people added before invitations existed had none, and the link
        # reaches only their own mailbox.
        return User.objects.filter(email=normalize_email(email), is_active=True)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


# Workshop items -----------------------------------------------------------------


class WorkshopForm(CleansUserText, forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["quarter", "title", "language"]
        help_texts = {
            "quarter": _("For example 2026-Q4. One workshop per quarter."),
            "title": _("A short name the team will recognise, up to 200 characters."),
            "language": _("The language of the report."),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data["title"], required=True)

    def clean_quarter(self) -> str:
        quarter = self.cleaned_data["quarter"].strip().upper()
        if Workshop.objects.filter(organization=self.organization, quarter=quarter).exists():
            raise forms.ValidationError(
                _("There is already a workshop for %(quarter)s."), params={"quarter": quarter}
            )
        return quarter


def _clean_text(value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise forms.ValidationError(_("Please remove the invisible control characters."))
    if required and not value:
        raise forms.ValidationError(_("Please write something here."))
    return value


class ItemForm(CleansUserText, forms.ModelForm):
    """The form of every workshop item; a step's form names its model and fields.

    Choices of parents and links are limited to the workshop's own revealed items,
    so an item from another workshop, or an answer a private brainstorm still hides,
    can never be chosen, even by a hand-made request.
    """

    # Not required here: an added item has no version yet. An edit without one is
    # refused by services.update_item as a conflict (the current text is shown),
    # which a person can act on; an error on a hidden field they could not.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    workshop_fields: tuple[str, ...] = ()
    # Fields only the facilitator may set; removed from everyone else's form.
    lead_only_fields: tuple[str, ...] = ()

    def __init__(self, *args, workshop, lead: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        # Items get their UUID on creation, so `pk` is set even before saving.
        self.is_edit = not self.instance._state.adding
        if not lead:
            for name in self.lead_only_fields:
                self.fields.pop(name, None)
        for name in self.workshop_fields:
            field = self.fields[name]
            field.queryset = (
                field.queryset.model.objects.filter(workshop=workshop)
                .revealed()
                .order_by("order", "created")
            )
            field.error_messages["invalid_choice"] = _(
                "Choose one of this workshop's items; that one is not in this workshop."
            )
            field.error_messages["invalid_pk_value"] = _("That is not a valid item.")
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                field.empty_label = _("(not yet chosen)")
        self.fields["title"].widget.attrs.update({"maxlength": TITLE_MAX, "autocomplete": "off"})
        self.fields["title"].error_messages["required"] = _("Please write something here.")
        if "description" in self.fields:
            self.fields["description"].widget = forms.Textarea(
                attrs={"rows": 2, "maxlength": TEXT_MAX}
            )
        if self.is_edit:
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            field.widget.attrs.setdefault(
                "id", f"{self.prefix or 'f'}-{name}-{self.instance.pk if self.is_edit else 'new'}"
            )

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data["title"], required=True)

    def clean_description(self) -> str:
        return _clean_text(self.cleaned_data.get("description", ""), required=False)


class PersonaForm(ItemForm):
    class Meta:
        model = Persona
        fields = ["title", "description", "share_of_base"]
        labels = {"title": _("Persona"), "description": _("Who they are")}
        help_texts = {"share_of_base": _("Between 0 and 100.")}


class NeedForm(ItemForm):
    workshop_fields = ("persona",)

    class Meta:
        model = Need
        fields = ["title", "description", "persona"]
        labels = {"title": _("Need"), "description": _("What they are trying to get done")}


class AlternativeForm(ItemForm):
    workshop_fields = ("need",)

    class Meta:
        model = Alternative
        fields = ["title", "description", "kind", "need"]
        labels = {"title": _("Alternative"), "description": _("Why customers choose it")}


class StrategyForm(ItemForm):
    class Meta:
        model = StrategyStatement
        fields = ["title", "description"]
        labels = {"title": _("Strategy statement"), "description": _("What it means in practice")}


class ObjectiveForm(ItemForm):
    workshop_fields = ("strategy",)

    class Meta:
        model = BusinessObjective
        fields = ["title", "description", "strategy", "metric", "target"]
        labels = {"title": _("Objective")}
        help_texts = {
            "metric": _("How it is measured, for example churn rate of postpaid."),
            "target": _("For example below 1.2% a month by 2027-Q2."),
        }


class InitiativeForm(ItemForm):
    workshop_fields = ("objective",)

    class Meta:
        model = MajorInitiative
        fields = ["title", "description", "objective", "owner", "due_quarter"]
        labels = {"title": _("Initiative")}
        help_texts = {"due_quarter": _("For example 2027-Q2.")}

    def clean_due_quarter(self) -> str:
        return self.cleaned_data["due_quarter"].strip().upper()


class BetForm(ItemForm):
    workshop_fields = StrategicBet.LINK_FIELDS

    class Meta:
        model = StrategicBet
        fields = ["title", "description", *StrategicBet.LINK_FIELDS]
        labels = {
            "title": _("The bet"),
            "description": _("Why we believe it"),
            "personas": _("For which personas"),
            "needs": _("Serving which needs"),
            "alternatives": _("Winning against which alternatives"),
            "objectives": _("Advancing which objectives"),
            "initiatives": _("Through which initiatives"),
        }
        help_texts = {
            "title": _("We will ... (one sentence, up to 200 characters)."),
        }
        widgets = dict.fromkeys(StrategicBet.LINK_FIELDS, forms.CheckboxSelectMultiple)


class KpiForm(ItemForm):
    workshop_fields = ("bets",)

    class Meta:
        model = Kpi
        fields = [
            "catalogue",
            "title",
            "description",
            "category",
            "unit",
            "direction",
            "baseline",
            "target",
            "target_quarter",
            "owner",
            "bets",
        ]
        labels = {"title": _("KPI"), "description": _("Definition")}
        help_texts = {
            "catalogue": _("Pick one to fill in its name, definition, unit and direction."),
            "target_quarter": _("For example 2027-Q2."),
        }
        widgets = {"bets": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue"].queryset = CatalogueKpi.objects.order_by("order", "name")
        self.fields["catalogue"].empty_label = _("(a custom KPI)")
        # A KPI from the catalogue needs no name or direction of its own.
        self.fields["title"].required = False
        self.fields["direction"].required = False
        self.fields["direction"].choices = [("", _("(as in the catalogue)")), *Direction.choices]
        if not self.is_edit:
            self.initial["direction"] = ""
        self.fields["unit"].widget.attrs["maxlength"] = 30

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data.get("title", ""), required=False)

    def clean_target_quarter(self) -> str:
        return self.cleaned_data["target_quarter"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        catalogue = cleaned.get("catalogue")
        if catalogue is not None:
            # The team's copy is written in the workshop's language.
            with translation.override(self.workshop.language):
                name, definition, unit = (
                    gettext(catalogue.name),
                    gettext(catalogue.definition),
                    gettext(catalogue.unit),
                )
            for field, value in [
                ("title", name),
                ("description", definition),
                ("category", catalogue.category),
                ("unit", unit),
                ("direction", catalogue.direction),
            ]:
                if not cleaned.get(field) and field not in self.errors:
                    cleaned[field] = value
                    setattr(self.instance, field, value)
        if not cleaned.get("title") and "title" not in self.errors:
            self.add_error("title", _("Name the KPI, or pick one from the catalogue."))
        if not cleaned.get("direction") and "direction" not in self.errors:
            self.add_error("direction", _("Say whether higher or lower is better."))
        return cleaned


class MomentForm(ItemForm):
    workshop_fields = ("persona", "bets", "kpis")
    lead_only_fields = ("marked_high", "high_reason")

    class Meta:
        model = MomentOfTruth
        fields = [
            "title",
            "description",
            "journey_stage",
            "lifecycle_stage",
            "channel",
            "persona",
            "impact",
            "performance",
            "marked_high",
            "high_reason",
            "bets",
            "kpis",
        ]
        labels = {
            "title": _("Moment of Truth"),
            "description": _("What happens, and what is at stake"),
        }
        help_texts = {
            "impact": _("1 = little effect on loyalty or revenue, 5 = decides it."),
            "performance": _("1 = we handle it badly today, 5 = we handle it very well."),
            "marked_high": _("Only for a moment the score underrates; give the reason."),
        }
        widgets = {
            "bets": forms.CheckboxSelectMultiple,
            "kpis": forms.CheckboxSelectMultiple,
            "impact": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "performance": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("marked_high") and not (cleaned.get("high_reason") or "").strip():
            self.add_error("high_reason", _("Say why this moment is high priority."))
        return cleaned


class AgreementForm(ItemForm):
    workshop_fields = ("bets",)

    covers = forms.TypedMultipleChoiceField(
        label=_("Key handshakes it covers"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status_comment = forms.CharField(
        label=_("Comment on the status"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        help_text=_("Needed when the status changes: what was agreed, or what puts it at risk."),
    )

    class Meta:
        model = HandshakeAgreement
        fields = [
            "template",
            "title",
            "description",
            "owner",
            "status",
            "quality",
            "bets",
            "covers",
        ]
        labels = {"title": _("Agreement"), "description": _("Notes")}
        widgets = {
            "bets": forms.CheckboxSelectMultiple,
            "quality": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }
        help_texts = {"quality": _("1 = we hardly work together, 5 = a seamless partnership.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        if self.is_edit:
            # The template version is pinned when the agreement is made.
            del self.fields["template"]
            template = self.instance.template
        else:
            # Taking a template from the library is one click: the rest can follow.
            self.fields["status"].required = False
            self.fields["quality"].required = False
            self.fields["template"].queryset = HandshakeTemplate.objects.published().select_related(
                "area"
            )
            template = None
            value = self.data.get(self.add_prefix("template")) if self.is_bound else None
            if value:
                # isdecimal(): only the digits int() reads ("²" is a digit, not a number).
                template = (
                    HandshakeTemplate.objects.published().filter(pk=int(value)).first()
                    if str(value).isdecimal() and len(str(value)) < 12
                    else None
                )
        self.fields["covers"].choices = template.key_handshake_choices() if template else []

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data.get("title", ""), required=False)

    def clean_status_comment(self) -> str:
        return _clean_text(self.cleaned_data.get("status_comment", ""), required=False)

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("template") or (self.instance.template if self.is_edit else None)
        if template is not None and not cleaned.get("title"):
            with translation.override(self.workshop.language):
                title = gettext(template.area.name)
            cleaned["title"] = title
            self.instance.title = title
        for field, default in (("status", AgreementStatus.PROPOSED), ("quality", 3)):
            if not cleaned.get(field) and field not in self.errors:
                cleaned[field] = default
                setattr(self.instance, field, default)
        if (
            self.is_edit
            and cleaned.get("status")
            and cleaned["status"] != self.initial.get("status")
            and not cleaned.get("status_comment")
        ):
            self.add_error("status_comment", _("Say why the status changes."))
        return cleaned


class CommentForm(CleansUserText, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        error_messages={"required": _("Please write something here.")},
    )

    def clean_comment(self) -> str:
        return _clean_text(self.cleaned_data["comment"], required=True)


class BudgetForm(forms.Form):
    budget = forms.IntegerField(label=_("Dots per person"), min_value=1, max_value=20, initial=3)


class CountdownForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, initial=5)


class OverrideForm(CleansUserText, forms.Form):
    reason = forms.CharField(
        label=_("Reason for signing despite the blockers"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("Shown in the report. Leave empty to withdraw the override."),
    )

    def clean_reason(self) -> str:
        return _clean_text(self.cleaned_data["reason"], required=False)


class SignForm(CleansUserText, forms.Form):
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reservation = forms.CharField(
        label=_("Reservation (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("You sign, and the report shows your reservation next to your signature."),
    )
    # The leader's answer when asked whether they sign without having read it.
    unread = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reservation(self) -> str:
        return _clean_text(self.cleaned_data["reservation"], required=False)


class DeclineForm(CleansUserText, forms.Form):
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_(
            "The workshop cannot be frozen while you decline. The lead and the record show your reason."
        ),
    )

    def clean_reason(self) -> str:
        return _clean_text(self.cleaned_data["reason"], required=True)


class NumberField(forms.CharField):
    """A number as the page's language writes it: 1,234.5 or 1.234,5 (`numbers`)."""

    def __init__(self, *, max_digits: int = 14, decimal_places: int = 2, **kwargs):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(max_length=40, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        number = parse_number(text, get_language() or settings.LANGUAGE_CODE)
        if number is None:
            raise forms.ValidationError(_("Enter a number."), code="invalid")
        number = number.quantize(Decimal(1).scaleb(-self.decimal_places))
        if len(number.as_tuple().digits) > self.max_digits:
            raise forms.ValidationError(_("This number is too large."), code="too_large")
        return number


class ReadingForm(CleansUserText, forms.Form):
    """One actual reading of a KPI; the number as the page's language writes it."""

    value = NumberField(label=_("Actual value"))
    taken_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=120,
        required=False,
        help_text=_("Where the figure comes from: a report, a dashboard, a BI export."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def clean_source(self) -> str:
        return _clean_text(self.cleaned_data["source"], required=False)

    def clean_comment(self) -> str:
        return _clean_text(self.cleaned_data["comment"], required=False)


class OutcomeForm(CleansUserText, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("What happened, and for a missed bet what changes next quarter."),
    )

    def clean_note(self) -> str:
        return _clean_text(self.cleaned_data["note"], required=False)


MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024


class ImportForm(CleansUserText, forms.Form):
    file = forms.FileField(
        label=_("Workshop export (JSON)"),
        help_text=_("A file exported from cvm-align, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )
    quarter = forms.CharField(
        label=_("Quarter"),
        max_length=7,
        required=False,
        help_text=_("Leave empty to keep the quarter of the export."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        raw = upload.read()
        try:
            parsed = transfer.read_export(raw.decode("utf-8"))
        except Refused as refusal:
            raise forms.ValidationError(refusal.message) from None
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise forms.ValidationError(
                _("This is not a JSON file exported from cvm-align.")
            ) from None
        snapshot = parsed.get("snapshot") if isinstance(parsed, dict) else None
        if not isinstance(snapshot, dict) or snapshot.get("format") != "cvm-align/1":
            raise forms.ValidationError(_("This is not a JSON file exported from cvm-align."))
        self.cleaned_data["snapshot"] = snapshot
        lineage = parsed.get("lineage")
        self.cleaned_data["lineage"] = lineage if isinstance(lineage, dict) else {}
        return upload

    def clean_quarter(self) -> str:
        quarter = self.cleaned_data["quarter"].strip().upper()
        if quarter:
            quarter_validator(quarter)
        return quarter

    def clean(self):
        cleaned = super().clean()
        if "snapshot" in self.cleaned_data:
            cleaned["snapshot"] = self.cleaned_data["snapshot"]
            cleaned["lineage"] = self.cleaned_data.get("lineage", {})
        return cleaned


class VerifyForm(CleansUserText, forms.Form):
    pdf = forms.FileField(
        label=_("A report PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    hash = forms.CharField(
        label=_("Or a SHA-256"),
        required=False,
        max_length=64,
        help_text=_("The content hash printed on the sign-off page, or the file's own hash."),
    )

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload is None:
            return None
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("This file is not a PDF."))
        return upload

    def clean_hash(self) -> str:
        value = self.cleaned_data["hash"].strip().lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError(_("A SHA-256 is 64 characters, 0-9 and a-f."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("pdf") and not cleaned.get("hash"):
            raise forms.ValidationError(_("Choose a PDF or paste a hash."))
        return cleaned


MAX_ACTUALS_BYTES = 1024 * 1024


class ActualsUploadForm(forms.Form):
    """A CSV of a signed quarter's actuals, as a BI tool or a spreadsheet exports it."""

    file = forms.FileField(
        label=_("CSV file of actuals"),
        help_text=_(
            "Columns KPI (its key, title or catalogue code), date, value, and optionally "
            "source and comment; separated by commas or semicolons; up to 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "text/csv,.csv,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused by its size before a byte of it is read.
        if upload.size > MAX_ACTUALS_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            self.cleaned_data["text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(Refused("csv_encoding").message) from None
        # The default source of its readings, as the person named the file.
        self.cleaned_data["file_name"] = " ".join(
            clean_user_text(upload.name, multiline=False).split()
        )
        return upload


class ActualsConfirmForm(CleansUserText, forms.Form):
    """The previewed file, signed by the server, sent back to be saved."""

    upload = forms.CharField(widget=forms.HiddenInput)
