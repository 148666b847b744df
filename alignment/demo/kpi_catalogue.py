"""The shipped KPI catalogue: common telco CVM KPIs in the five CVMBoK categories.

Loaded by a data migration (which keeps its own frozen copy); staff curate it in
the admin afterwards. Codes are stable: the flavors' KPI suggestions refer to them.

Names, units and definitions are marked with `gettext_noop`, so `make messages`
collects them and the Italian catalogue translates them; pages and the report
show them through gettext (the `translated` filter of `cvm_i18n`), so a text
still equal to the shipped English shows its translation and a text staff have
rewritten shows as written. A text with a percent sign that xgettext could take
for a format directive carries `xgettext:no-python-format`.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

# code, name, category, unit, direction, overarching, definition
CATALOGUE = [
    (
        "base_size",
        _("Active customer base"),
        "customer_base",
        _("customers"),
        "up",
        False,
        _("Customers with at least one active product at the end of the period."),
    ),
    (
        "churn_rate",
        _("Churn rate"),
        "customer_base",
        _("% per month"),
        "down",
        False,
        _("Share of the customers at the start of a month who left during it, voluntarily or not."),
    ),
    (
        "onboarding_rate",
        _("Onboarding rate"),
        "customer_base",
        _("%"),
        "up",
        False,
        _(
            "Share of new customers who complete the first set-up and use the service within 30 days."
        ),
    ),
    (
        "revenue",
        _("Revenue of the base"),
        "revenue",
        _("EUR per month"),
        "up",
        False,
        _("Total recurring and usage revenue from the existing base or segment."),
    ),
    (
        "arpu",
        _("ARPU"),
        "revenue",
        _("EUR per month"),
        "up",
        False,
        _("Average revenue per user: revenue of the base divided by its average size."),
    ),
    (
        "ampu",
        _("AMPU"),
        "revenue",
        _("EUR per month"),
        "up",
        False,
        _("Average margin per user: ARPU less the direct costs of serving that user."),
    ),
    (
        "clv",
        _("Customer lifetime value"),
        "revenue",
        _("EUR"),
        "up",
        True,
        _(
            "Expected margin from a customer over the whole relationship; the one KPI that balances "
            "base, revenue, experience and cost."
        ),
    ),
    (
        "nps",
        _("Net Promoter Score"),
        "customer_experience",
        _("points"),
        "up",
        False,
        _(
            "Promoters minus detractors, from the question how likely a customer is to recommend us."
        ),
    ),
    (
        "csat",
        _("Customer satisfaction"),
        "customer_experience",
        # xgettext:no-python-format
        _("% satisfied"),
        "up",
        False,
        _("Share of customers satisfied with a specific interaction, asked right after it."),
    ),
    (
        "cost_to_serve",
        _("Cost to serve"),
        "costs",
        _("EUR per customer per month"),
        "down",
        False,
        _("Usage costs, collections and service contacts per customer."),
    ),
    (
        "time_to_campaign",
        _("Time to create a campaign"),
        "internal_processes",
        _("days"),
        "down",
        False,
        _("Days from the decision to run a CVM campaign until it reaches customers."),
    ),
    (
        "time_to_close",
        _("Time to close"),
        "internal_processes",
        _("days"),
        "down",
        False,
        _("Days from a qualified opportunity to a signed contract."),
    ),
    (
        "time_to_revenue",
        _("Time to revenue"),
        "internal_processes",
        _("days"),
        "down",
        False,
        _("Days from a signed contract until the first invoice is paid."),
    ),
    (
        "time_to_fix",
        _("Time to fix"),
        "internal_processes",
        _("hours"),
        "down",
        False,
        _("Hours from a reported fault until the customer's service works again."),
    ),
]
