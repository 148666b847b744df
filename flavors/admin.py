from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from flavors.models import Flavor, FlavorActivity, FlavorChallenge, FlavorCode
from flavors.vocabulary import HANDSHAKE_AREAS, KPI_CODES


class FlavorAdminForm(forms.ModelForm):
    # Checkboxes over the fixed vocabularies instead of raw JSON, so staff can only
    # pick codes the KPI catalogue and the handshake library know.
    suggested_kpi_codes = forms.MultipleChoiceField(
        label=_("Suggested KPIs"),
        choices=[(code, format_lazy("{} ({})", label, code)) for code, label in KPI_CODES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    suggested_handshake_areas = forms.MultipleChoiceField(
        label=_("Suggested handshakes"),
        choices=[
            (slug, format_lazy("{} ({})", label, slug)) for slug, label in HANDSHAKE_AREAS.items()
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Flavor
        fields = [
            "code",
            "name",
            "order",
            "summary",
            "financial",
            "customer_base",
            "customer_experience",
            "internal_process",
            "telco_examples",
            "next_stage",
            "next_stage_note",
            "suggested_kpi_codes",
            "suggested_handshake_areas",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "next_stage" in self.fields and self.instance.pk:
            self.fields["next_stage"].queryset = Flavor.objects.exclude(pk=self.instance.pk)


class FlavorActivityInline(admin.TabularInline):
    model = FlavorActivity
    extra = 0
    fields = ["order", "text"]


class FlavorChallengeInline(admin.StackedInline):
    model = FlavorChallenge
    extra = 0
    fields = ["order", "title", "example"]


@admin.register(Flavor)
class FlavorAdmin(admin.ModelAdmin):
    form = FlavorAdminForm
    list_display = ["stable_code", "name", "order", "next_stage"]
    list_display_links = ["stable_code", "name"]
    ordering = ["order", "code"]
    list_select_related = ["next_stage"]
    inlines = [FlavorActivityInline, FlavorChallengeInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "order", "summary")}),
        (
            _("Perspectives"),
            {"fields": ("financial", "customer_base", "customer_experience", "internal_process")},
        ),
        (
            _("Examples and progression"),
            {"fields": ("telco_examples", "next_stage", "next_stage_note")},
        ),
        (
            _("Workshop suggestions"),
            {"fields": ("suggested_kpi_codes", "suggested_handshake_areas")},
        ),
    )

    @admin.display(description=_("code"), ordering="code")
    def stable_code(self, obj: Flavor) -> str:
        # The raw code, not its label: it is what workshops and the diagnostic store.
        return obj.code

    def get_readonly_fields(self, request, obj=None):
        # Workshops store the code: once a flavor exists its code must not change.
        return ["code"] if obj else []

    def has_add_permission(self, request) -> bool:
        # The three flavors ship with the app and cannot be deleted here; adding is
        # only offered if one went missing (e.g. a database restored by hand).
        return super().has_add_permission(request) and Flavor.objects.count() < len(
            FlavorCode.choices
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a flavor would orphan every workshop that recorded it.
        return False
