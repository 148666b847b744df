"""Curation of the handshake library by site staff.

Drafts are edited in place. Published and retired versions are read-only (a
workshop may have pinned them): "Create new draft version" copies one into a
new draft, "Publish" replaces the published version of the area with a draft.
The lifecycle steps go through `handshakes.services`, as buttons on the change
page and as changelist actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from handshakes import services
from handshakes.models import (
    FunctionalArea,
    HandshakeTemplate,
    Stage,
    current_version_subquery,
)


class LinesField(forms.CharField):
    """A list of short texts, edited as one text per line."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 90})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def _label(name: str) -> str:
    return capfirst(HandshakeTemplate._meta.get_field(name).verbose_name)


class HandshakeTemplateForm(forms.ModelForm):
    inputs = LinesField(label=_label("inputs"), help_text=_("One per line."))
    outputs = LinesField(label=_label("outputs"), help_text=_("One per line."))
    key_handshakes = LinesField(
        label=_label("key_handshakes"),
        help_text=_(
            "One per line, in the order they should be discussed. Workshops address them "
            "by position in a published version, which is why that version never changes."
        ),
    )
    stages = forms.MultipleChoiceField(
        label=_label("stages"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where in the customer journey this collaboration matters most."),
    )

    class Meta:
        model = HandshakeTemplate
        fields = [
            "area",
            "purpose",
            "inputs",
            "outputs",
            "key_handshakes",
            "impact",
            "impact_reason",
            "stages",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3, "cols": 90}),
            "impact_reason": forms.Textarea(attrs={"rows": 2, "cols": 90}),
        }

    def clean(self):
        cleaned = super().clean()
        area = cleaned.get("area")
        if self.instance._state.adding and area is not None:
            draft = area.versions.drafts().first()
            if draft is not None:
                raise ValidationError(
                    _("%(area)s already has a draft (version %(version)s); edit that one."),
                    params={"area": area, "version": draft.version},
                )
            self.instance.version = services.next_version_number(area)
        return cleaned


CONTENT_FIELDSETS = [
    (None, {"fields": ["area", "purpose"]}),
    (_("How they depend on each other"), {"fields": ["inputs", "outputs"]}),
    (_("What to agree"), {"fields": ["key_handshakes", "impact", "impact_reason", "stages"]}),
]
FROZEN_FIELDSETS = [
    (None, {"fields": ["area", "purpose"]}),
    (_("How they depend on each other"), {"fields": ["inputs_list", "outputs_list"]}),
    (
        _("What to agree"),
        {"fields": ["key_handshakes_list", "impact", "impact_reason", "stages_list"]},
    ),
]
LIFECYCLE_FIELDS = [
    "version",
    "status",
    "created",
    "created_by",
    "published_at",
    "published_by",
    "retired_at",
]


@admin.register(HandshakeTemplate)
class HandshakeTemplateAdmin(admin.ModelAdmin):
    form = HandshakeTemplateForm
    change_form_template = "admin/handshakes/handshaketemplate/change_form.html"
    list_display = ["area", "version", "status", "impact", "published_at", "created"]
    list_display_links = ["area", "version"]
    list_filter = ["area", "status", "impact"]
    search_fields = ["area__name", "area__slug", "purpose", "key_handshakes", "inputs", "outputs"]
    list_select_related = ["area"]
    actions = ["start_new_versions", "publish_drafts", "retire_published"]

    # Fields and read-only rules

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return CONTENT_FIELDSETS
        content = FROZEN_FIELDSETS if obj.is_frozen else CONTENT_FIELDSETS
        return [
            *content,
            (_("Version"), {"fields": [*LIFECYCLE_FIELDS, "versions_table"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        lifecycle = [*LIFECYCLE_FIELDS, "versions_table"]
        if obj.is_frozen:
            # The form fields too, so that none of them is even accepted in a POST.
            return [
                "area",
                "purpose",
                "inputs",
                "outputs",
                "key_handshakes",
                "stages",
                "inputs_list",
                "outputs_list",
                "key_handshakes_list",
                "impact",
                "impact_reason",
                "stages_list",
                *lifecycle,
            ]
        return ["area", *lifecycle]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only drafts: a published or retired version may be pinned by a workshop.
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would reach published versions too
        return actions

    @admin.display(description=_label("inputs"))
    def inputs_list(self, obj):
        return _bullets(obj.inputs)

    @admin.display(description=_label("outputs"))
    def outputs_list(self, obj):
        return _bullets(obj.outputs)

    @admin.display(description=_label("key_handshakes"))
    def key_handshakes_list(self, obj):
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((t,) for t in obj.key_handshakes))
        )

    @admin.display(description=_label("stages"))
    def stages_list(self, obj):
        return ", ".join(obj.get_stages_display())

    @admin.display(description=_("All versions of this area"))
    def versions_table(self, obj):
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">v{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:handshakes_handshaketemplate_change", args=[v.pk]),
                    v.version,
                    v.get_status_display(),
                    v.published_at.date() if v.published_at else "–",
                    v.retired_at.date() if v.retired_at else "–",
                )
                for v in obj.area.versions.order_by("-version")
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            '<tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            gettext("Version"),
            gettext("Status"),
            gettext("Published"),
            gettext("Retired"),
            rows,
            reverse("admin:handshakes_handshaketemplate_versions", args=[obj.pk]),
            gettext("Compare versions"),
        )

    # Saving

    def save_model(self, request, obj, form, change):
        if obj.is_frozen:
            return  # nothing on the page is editable; never write a frozen version
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One draft per area: "add another" would always be refused.
        extra_context = {"show_save_and_add_another": False, **(extra_context or {})}
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None and obj.is_frozen:
            # Read-only page: only the lifecycle buttons remain.
            extra_context.update(show_save=False, show_save_and_continue=False)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if "_new_version" in request.POST:
            return self._start_new_version(request, obj)
        if "_publish" in request.POST:
            self._run(request, services.publish, obj, gettext("%(obj)s is published."))
            return self._redirect_to(obj)
        if "_retire" in request.POST:
            self._run(request, services.retire, obj, gettext("%(obj)s is retired."))
            return self._redirect_to(obj)
        return super().response_change(request, obj)

    def _start_new_version(self, request, obj) -> HttpResponse:
        try:
            draft = services.start_new_version(obj, request.user)
        except services.DraftExists as exists:
            self.message_user(request, str(exists), messages.WARNING)
            return self._redirect_to(exists.draft)
        except services.VersioningError as error:
            self.message_user(request, str(error), messages.ERROR)
            return self._redirect_to(obj)
        self.message_user(
            request,
            gettext("Draft %(draft)s created from version %(version)s. Edit it, then publish.")
            % {"draft": draft, "version": obj.version},
            messages.SUCCESS,
        )
        return self._redirect_to(draft)

    def _run(self, request, step, obj, success: str) -> bool:
        try:
            step(obj, request.user)
        except (services.VersioningError, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, messages.ERROR)
            return False
        self.message_user(request, success % {"obj": obj}, messages.SUCCESS)
        return True

    def _redirect_to(self, obj) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:handshakes_handshaketemplate_change", args=[obj.pk])
        )

    # Changelist actions

    @admin.action(description=_("Create new draft version of selected"), permissions=["add"])
    def start_new_versions(self, request, queryset):
        for template in queryset.select_related("area"):
            try:
                draft = services.start_new_version(template, request.user)
            except services.VersioningError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(request, gettext("Draft %s created.") % draft, messages.SUCCESS)

    @admin.action(description=_("Publish selected drafts"), permissions=["change"])
    def publish_drafts(self, request, queryset):
        for template in queryset.select_related("area"):
            self._run(request, services.publish, template, gettext("%(obj)s is published."))

    @admin.action(description=_("Retire selected published versions"), permissions=["change"])
    def retire_published(self, request, queryset):
        for template in queryset.select_related("area"):
            self._run(request, services.retire, template, gettext("%(obj)s is retired."))

    # Versions and what changed between two of them

    def get_urls(self):
        return [
            path(
                "<path:object_id>/versions/",
                self.admin_site.admin_view(self.versions_view),
                name="handshakes_handshaketemplate_versions",
            ),
            *super().get_urls(),
        ]

    def versions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        template = self.get_object(request, object_id)
        if template is None:
            raise Http404
        if not self.has_view_or_change_permission(request, template):
            raise PermissionDenied
        versions = list(template.area.versions.order_by("-version"))
        by_number = {str(v.version): v for v in versions}
        older = next((v for v in versions if v.version < template.version), None)
        base = by_number.get(request.GET.get("a", "")) or older or template
        other = by_number.get(request.GET.get("b", "")) or template
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Versions of %(area)s") % {"area": template.area},
            "original": template,
            "versions": versions,
            "base": base,
            "other": other,
            "changes": base.diff(other),
        }
        return TemplateResponse(
            request, "admin/handshakes/handshaketemplate/versions.html", context
        )


def _bullets(items: list[str]):
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((t,) for t in items)))


class VersionInline(admin.TabularInline):
    """The versions of an area, read-only; each opens in the template admin."""

    model = HandshakeTemplate
    extra = 0
    fields = ["version_link", "status", "impact", "published_at", "retired_at"]
    readonly_fields = fields
    ordering = ["-version"]
    can_delete = False
    show_change_link = False
    verbose_name = _("version")
    verbose_name_plural = _("versions")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("version"))
    def version_link(self, obj):
        return format_html(
            '<a href="{}">v{}</a>',
            reverse("admin:handshakes_handshaketemplate_change", args=[obj.pk]),
            obj.version,
        )


@admin.register(FunctionalArea)
class FunctionalAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "current_version", "version_count"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VersionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(current=current_version_subquery("pk"), count=Count("versions"))
        )

    @admin.display(description=_("published version"), ordering="current")
    def current_version(self, obj):
        return f"v{obj.current}" if obj.current else "–"

    @admin.display(description=_("versions"), ordering="count")
    def version_count(self, obj):
        return obj.count

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        # An area with versions is referenced by them (and maybe by workshops).
        if obj is not None and obj.versions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # The slug names the area in exports and URLs; it is fixed once made.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields
