"""Fixed vocabularies the flavors library refers to by code.

The KPI catalogue and the handshake library live elsewhere (and may not exist
yet when a flavor is edited), so the suggestions a flavor makes are stored as
plain codes checked against these lists. The codes are a contract with those
catalogues: rename one here only together with a data migration there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KPI_CODES: dict[str, str] = {
    "base_size": _("Customer base size"),
    "churn_rate": _("Churn rate"),
    "onboarding_rate": _("Onboarding rate"),
    "revenue": _("Revenue"),
    "arpu": _("Average revenue per user (ARPU)"),
    "ampu": _("Average margin per user (AMPU)"),
    "clv": _("Customer lifetime value (CLV)"),
    "nps": _("Net Promoter Score (NPS)"),
    "csat": _("Customer satisfaction (CSAT)"),
    "cost_to_serve": _("Cost to serve"),
    "time_to_campaign": _("Time to launch a campaign"),
    "time_to_close": _("Time to close"),
    "time_to_revenue": _("Time to revenue"),
    "time_to_fix": _("Time to fix"),
}

HANDSHAKE_AREAS: dict[str, str] = {
    "general-management": _("General management"),
    "product-management": _("Product management"),
    "pricing": _("Pricing"),
    "customer-acquisition": _("Customer acquisition"),
    "inbound-assisted": _("Inbound channels, assisted"),
    "inbound-unassisted": _("Inbound channels, unassisted"),
    "outbound-assisted": _("Outbound channels, assisted"),
    "outbound-unassisted": _("Outbound channels, unassisted"),
    "customer-experience": _("Customer experience"),
    "technology": _("Technology"),
    "security": _("Security"),
    "regulatory-compliance": _("Regulatory and compliance"),
    "marketing": _("Marketing"),
    "sales": _("Sales"),
    "customer-support": _("Customer support"),
    "customer-success": _("Customer success"),
    "finance-operations": _("Finance and operations"),
    "legal": _("Legal"),
    "engineering-qa": _("Engineering and QA"),
    "network-cloud-operations": _("Network and cloud operations"),
    "project-management": _("Project management"),
    "systems-engineering": _("Systems engineering"),
    "manufacturing": _("Manufacturing"),
}


def _validate_codes(value, vocabulary: dict[str, str], what) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(
            _("Enter a list of %(what)s codes."), code="not_a_list", params={"what": what}
        )
    unknown = [code for code in value if code not in vocabulary]
    if unknown:
        raise ValidationError(
            _("Unknown %(what)s code(s): %(codes)s."),
            code="unknown_code",
            params={"what": what, "codes": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(
            _("Each %(what)s code may appear only once."),
            code="duplicate_code",
            params={"what": what},
        )


def validate_kpi_codes(value) -> None:
    _validate_codes(value, KPI_CODES, _("KPI"))


def validate_handshake_areas(value) -> None:
    _validate_codes(value, HANDSHAKE_AREAS, _("handshake area"))
