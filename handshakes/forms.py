from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from handshakes.models import Impact, Stage


class LibraryFilterForm(forms.Form):
    """Search and filters of the library page; read from the query string."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Area, handshake or any word")}
        ),
    )
    impact = forms.ChoiceField(
        label=_("Impact on CVM"),
        required=False,
        choices=[("", _("Any impact")), *Impact.choices],
    )
    stage = forms.ChoiceField(
        label=_("Journey stage"),
        required=False,
        choices=[("", _("Any stage")), *Stage.choices],
    )

    def filters(self) -> dict:
        """The valid filters; an invalid one (a hand-edited URL) is ignored."""
        if not self.is_bound:
            return {"q": "", "impact": "", "stage": ""}
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in ("q", "impact", "stage")}
