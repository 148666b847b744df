"""Ship the KPI catalogue. A frozen copy, so later edits of the data module or of
the catalogue in the admin never change what this migration did."""

from __future__ import annotations

from django.db import migrations

CATALOGUE = [('base_size',
  'Active customer base',
  'customer_base',
  'customers',
  'up',
  False,
  'Customers with at least one active product at the end of the period.'),
 ('churn_rate',
  'Churn rate',
  'customer_base',
  '% per month',
  'down',
  False,
  'Share of the customers at the start of a month who left during it, voluntarily or not.'),
 ('onboarding_rate',
  'Onboarding rate',
  'customer_base',
  '%',
  'up',
  False,
  'Share of new customers who complete the first set-up and use the service within 30 days.'),
 ('revenue',
  'Revenue of the base',
  'revenue',
  'EUR per month',
  'up',
  False,
  'Total recurring and usage revenue from the existing base or segment.'),
 ('arpu',
  'ARPU',
  'revenue',
  'EUR per month',
  'up',
  False,
  'Average revenue per user: revenue of the base divided by its average size.'),
 ('ampu',
  'AMPU',
  'revenue',
  'EUR per month',
  'up',
  False,
  'Average margin per user: ARPU less the direct costs of serving that user.'),
 ('clv',
  'Customer lifetime value',
  'revenue',
  'EUR',
  'up',
  True,
  'Expected margin from a customer over the whole relationship; the one KPI that balances base, '
  'revenue, experience and cost.'),
 ('nps',
  'Net Promoter Score',
  'customer_experience',
  'points',
  'up',
  False,
  'Promoters minus detractors, from the question how likely a customer is to recommend us.'),
 ('csat',
  'Customer satisfaction',
  'customer_experience',
  '% satisfied',
  'up',
  False,
  'Share of customers satisfied with a specific interaction, asked right after it.'),
 ('cost_to_serve',
  'Cost to serve',
  'costs',
  'EUR per customer per month',
  'down',
  False,
  'Usage costs, collections and service contacts per customer.'),
 ('time_to_campaign',
  'Time to create a campaign',
  'internal_processes',
  'days',
  'down',
  False,
  'Days from the decision to run a CVM campaign until it reaches customers.'),
 ('time_to_close',
  'Time to close',
  'internal_processes',
  'days',
  'down',
  False,
  'Days from a qualified opportunity to a signed contract.'),
 ('time_to_revenue',
  'Time to revenue',
  'internal_processes',
  'days',
  'down',
  False,
  'Days from a signed contract until the first invoice is paid.'),
 ('time_to_fix',
  'Time to fix',
  'internal_processes',
  'hours',
  'down',
  False,
  "Hours from a reported fault until the customer's service works again.")]


def ship(apps, schema_editor):
    CatalogueKpi = apps.get_model("alignment", "CatalogueKpi")
    for order, (code, name, category, unit, direction, overarching, definition) in enumerate(
        CATALOGUE, start=1
    ):
        CatalogueKpi.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "unit": unit,
                "direction": direction,
                "overarching": overarching,
                "definition": definition,
                "order": order,
            },
        )


def unship(apps, schema_editor):
    codes = [row[0] for row in CATALOGUE]
    apps.get_model("alignment", "CatalogueKpi").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("alignment", "0002_kpis_and_moments")]

    operations = [migrations.RunPython(ship, unship)]
