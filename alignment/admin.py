"""The admin, for site staff.

Staff curate people, organisations and the KPI catalogue here, and can read
workshops, their answers, signatures and reports. Workshop content changes through
the app's own pages, which version, audit and live-sync every change; the admin
only lets staff correct the text of an answer in a workshop that is not signed.
A signed workshop, its answers, its signatures and its report never change here.

Every change made through the admin, to any model of any app, is written to the
audit log (`audit_every_admin()` at the bottom wraps every registered ModelAdmin,
including those of `flavors` and `handshakes`, which know nothing of the log).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alignment import agenda
from alignment.models import (
    AuditEntry,
    CatalogueKpi,
    Kpi,
    Membership,
    Organization,
    Participant,
    Report,
    Signature,
    User,
    Workshop,
)
from alignment.services import reports
from alignment.services.audit import record
from alignment.services.errors import MESSAGES, Frozen
from alignment.services.items import save_from_admin

# The one message for a signed workshop, as every other path gives it.
FROZEN_NOTICE = MESSAGES["frozen"]

# Buttons of a change form that only say how to go on after saving.
_SAVE_BUTTONS = {"_save", "_continue", "_addanother", "_saveasnew"}


# The audit trail of admin edits ---------------------------------------------------


def _where(obj, *, deleting: bool = False) -> tuple[Organization | None, Workshop | None]:
    """The organisation and workshop an object belongs to, for its audit entry.

    An entry about deleting an organisation or a workshop is not filed under it:
    entries are deleted with what they are filed under, and this one must stay.
    """
    if isinstance(obj, Organization):
        return (None if deleting else obj), None
    workshop = obj if isinstance(obj, Workshop) else getattr(obj, "workshop", None)
    if isinstance(workshop, Workshop):
        return workshop.organization, (None if deleting and obj is workshop else workshop)
    organization = getattr(obj, "organization", None)
    return (organization if isinstance(organization, Organization) else None), None


def _record(request, obj, action: str, **detail) -> None:
    organization, workshop = _where(obj, deleting=action == "admin.deleted")
    record(
        organization,
        request.user,
        action,
        f"{obj._meta.verbose_name}: {obj}",
        workshop=workshop,
        model=obj._meta.label,
        pk=str(obj.pk),
        **detail,
    )


class AuditedAdminMixin:
    """Writes an audit entry for every addition, change, deletion and action.

    An addition, change or deletion on its own page is written in the admin's own
    transaction, so it is never saved without its entry, nor the other way round.
    """

    def log_addition(self, request, obj, message):
        _record(request, obj, "admin.added", change=message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        buttons = sorted(k for k in request.POST if k.startswith("_") and k not in _SAVE_BUTTONS)
        _record(request, obj, "admin.changed", change=message, buttons=buttons)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            _record(request, obj, "admin.deleted")
        return super().log_deletions(request, queryset)

    def response_action(self, request, queryset):
        response = super().response_action(request, queryset)
        action = request.POST.get("action", "")
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        every = request.POST.get("select_across") == "1"
        # Deleting logs each object itself (log_deletions), once confirmed.
        if response is not None and action != "delete_selected" and (selected or every):
            record(
                None,
                request.user,
                "admin.action",
                f"{self.model._meta.verbose_name_plural}: {action}",
                model=self.model._meta.label,
                name=action,
                pks="all" if every else selected[:100],
            )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Frozen:
            # The workshop was signed between loading the page and saving it.
            return self._refuse_frozen(request)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except Frozen:
            return self._refuse_frozen(request)

    def _refuse_frozen(self, request):
        self.message_user(request, FROZEN_NOTICE, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


def audit_every_admin(site: admin.AdminSite = admin.site) -> None:
    """Make every registered ModelAdmin an audited one.

    Called once this module has registered its own; `alignment` is the last app in
    INSTALLED_APPS, so by then the other apps' admin modules are loaded too.
    """
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        base = type(model_admin)
        audited = type(base.__name__, (AuditedAdminMixin, base), {"__module__": base.__module__})
        site._registry[model] = audited(model, site)


# People and organisations ------------------------------------------------------------


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("display_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "created"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["created", "organization", "actor", "action", "target"]
    list_filter = ["action"]
    search_fields = ["target", "actor__email"]
    list_select_related = ["organization", "actor"]

    # The audit log is append-only, in the admin as everywhere else.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# The KPI catalogue ---------------------------------------------------------------------


@admin.register(CatalogueKpi)
class CatalogueKpiAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "category", "unit", "direction", "overarching", "order"]
    list_filter = ["category", "direction", "overarching"]
    search_fields = ["name", "code", "definition"]
    ordering = ["order", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Exports name catalogue KPIs by code: once it exists, the code stays.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and Kpi.objects.filter(catalogue=obj).exists():
            return False  # workshops took it; their KPIs would lose the link
        return super().has_delete_permission(request, obj)


# Workshops, read by staff ----------------------------------------------------------------


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ParticipantInline(ReadOnlyMixin, admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["user", "follows_facilitator"]
    readonly_fields = fields


class SignatureInline(ReadOnlyMixin, admin.TabularInline):
    model = Signature
    extra = 0
    fields = ["signer", "content_hash", "signed_at", "voided_at", "voided_reason"]
    readonly_fields = fields


# The answers of a workshop, each with its list in the admin.
ITEM_MODELS = [kind.model for kind in agenda.item_kinds()]


@admin.register(Workshop)
class WorkshopAdmin(AuditedAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Workshops are run in the app; here staff read them (status, people, answers)."""

    list_display = ["quarter", "title", "organization", "status", "facilitator", "updated"]
    list_filter = ["status", "organization"]
    search_fields = ["title", "quarter", "organization__name"]
    list_select_related = ["organization", "facilitator"]
    fields = [
        "organization",
        "quarter",
        "title",
        "language",
        "status",
        "facilitator",
        "previous",
        "override_reason",
        "override_by",
        "override_at",
        "created",
        "updated",
        "answers",
    ]
    readonly_fields = fields
    inlines = [ParticipantInline, SignatureInline]

    @admin.display(description=_("answers"))
    def answers(self, obj: Workshop):
        rows = []
        for model in ITEM_MODELS:
            url = reverse(f"admin:alignment_{model._meta.model_name}_changelist")
            count = model.objects.filter(workshop=obj).count()
            rows.append(
                (f"{url}?workshop__id__exact={obj.pk}", model._meta.verbose_name_plural, count)
            )
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>: {}</li>', rows)
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None and obj.is_frozen and request.method == "GET":
            self.message_user(request, FROZEN_NOTICE, messages.INFO)
        return super().changeform_view(request, object_id, form_url, extra_context)


# Fields no one edits in the admin: which workshop, who wrote it, its history, and
# its links (the admin would offer every organisation's items as choices).
_ITEM_FIXED = {
    "id",
    "workshop",
    "author",
    "lineage",
    "version",
    "order",
    "revealed",
    # An anonymous answer stays anonymous, and only the facilitator sets one aside.
    "anonymous",
    "set_aside",
}


class WorkshopItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """An answer of a workshop: its text may be corrected while the workshop is open."""

    list_display = ["title", "workshop", "updated"]
    list_filter = ["workshop__organization", "workshop__status"]
    search_fields = ["title", "description", "workshop__title", "workshop__organization__name"]
    list_select_related = ["workshop", "workshop__organization"]

    def get_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.get_fields() if self._shown(f)]

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.workshop.is_frozen:
            return self.get_fields(request, obj)
        return [
            f.name
            for f in self.model._meta.get_fields()
            if self._shown(f) and (f.name in _ITEM_FIXED or f.is_relation or not f.editable)
        ]

    @staticmethod
    def _shown(field) -> bool:
        return field.concrete and not field.auto_created and field.name != "id"

    def has_add_permission(self, request) -> bool:
        return False  # answers are added in the workshop, by its people

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.workshop.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None and obj.workshop.is_frozen:
            if request.method == "POST":
                # Signed while the page was open: say so instead of refusing bluntly.
                return self._refuse_frozen(request)
            self.message_user(request, FROZEN_NOTICE, messages.INFO)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Through the same workflow as an edit in the app (frozen check, new
        # version, new revision), not straight to the row.
        save_from_admin(obj)


for _model in ITEM_MODELS:
    admin.site.register(_model, WorkshopItemAdmin)


@admin.register(Signature)
class SignatureAdmin(AuditedAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["workshop", "signer", "short_hash", "signed_at", "voided_at"]
    list_filter = ["workshop__organization"]
    list_select_related = ["workshop", "signer"]
    search_fields = ["signer__email", "content_hash", "workshop__title"]

    @admin.display(description=_("content SHA-256"))
    def short_hash(self, obj: Signature) -> str:
        return obj.content_hash[:12]


@admin.register(Report)
class ReportAdmin(AuditedAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Signed reports, read-only. A report whose PDF failed can be rendered again."""

    list_display = ["workshop", "status", "attempts", "created", "rendered_at"]
    list_filter = ["status", "workshop__organization"]
    list_select_related = ["workshop", "workshop__organization"]
    search_fields = ["content_hash", "pdf_sha256", "workshop__title"]
    exclude = ["snapshot", "signatures", "pdf"]
    actions = ["render_again"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Render the PDF again"), permissions=["view"])
    def render_again(self, request, queryset):
        # The task replaces the file and is safe to run twice; the signed snapshot
        # it renders from never changes.
        count = reports.render_again(queryset)
        self.message_user(
            request, gettext("%(count)s reports will be rendered again.") % {"count": count}
        )


# Last: every other app's admin is registered by now.
audit_every_admin()
