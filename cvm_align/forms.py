from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Project form renderer: one field template, errors next to the field."""

    field_template_name = "forms/field.html"
