"""Ship the three CVM flavors.

The data below is a frozen copy of `flavors/content.py` at the time of this
migration: a migration must do the same thing forever, so it never imports
the live module. Later text changes belong in a new data migration.
"""

from django.db import migrations

FLAVORS = [{'code': 'product_centric',
  'name': 'Product-centric',
  'order': 1,
  'summary': 'One dominant product shapes the organisation, and whoever owns the product also '
             'owns its customers.',
  'financial': "Most of the revenue comes from a single product, so the company's commercial "
               "results are, in practice, that product's results.",
  'customer_base': 'Most customers are counted as customers of that one product: base size, '
                   "churn and base revenue are the product's own numbers.",
  'customer_experience': 'Customers meet the company mainly through the one product and the '
                         'channels that sell and service it.',
  'internal_process': 'One commercial leader, typically a marketing director or chief '
                      'commercial officer, oversees pricing, promotion and distribution and '
                      "joins them up. The product owner answers for the product's customers as "
                      'well.',
  'telco_examples': ['Broadband-only provider',
                     'Prepaid mobile virtual network operator (MVNO)',
                     'Mobile operator serving mainly postpaid subscribers',
                     'Cable TV-only provider',
                     'Over-the-top (OTT) video streaming service'],
  'next_stage': 'coordinated',
  'next_stage_note': 'Time to move on when the portfolio grows and a noticeable share of '
                     'customers holds more than one product: value then has to be managed '
                     'across products, not inside one.',
  'activities': ["Keep the main product's customers and renew their contracts.",
                 'Grow revenue within the main product through upgrades and price-plan '
                 'changes.',
                 'Tell the acquisition teams which channels and offers bring in customers who '
                 'stay and pay.'],
  'challenges': [('Acquisition works against retention',
                  'Deep discounts for newcomers make existing customers leave and sign up '
                  'again just to get the better price, so the base shrinks in value.'),
                 ('Channels are not coordinated',
                  'Telesales pushes an offer that the staff in the shops have never heard of, '
                  'and the customer gets two different answers.'),
                 ('Prices differ from one channel to another',
                  'A big promotion runs online, but the stores cannot sell it because nobody '
                  'prepared or briefed them.')],
  'suggested_kpi_codes': ['churn_rate', 'arpu', 'base_size', 'onboarding_rate', 'revenue'],
  'suggested_handshake_areas': ['product-management',
                                'pricing',
                                'customer-acquisition',
                                'inbound-assisted',
                                'outbound-assisted',
                                'sales']},
 {'code': 'coordinated',
  'name': 'Coordinated',
  'order': 2,
  'summary': 'Several major products serve the same customers, each with its own owner, and a '
             'coordinating role joins them up.',
  'financial': 'Revenue is split fairly evenly across a few major products, all sold to the '
               'same customer segments.',
  'customer_base': 'A substantial part of the base holds more than one product, so the same '
                   'person appears in several product bases at once.',
  'customer_experience': 'Customers use several products side by side and often receive '
                         'messages that do not fit together; trouble with one product colours '
                         'how they see the others.',
  'internal_process': 'Each product has its own owner (for example mobile voice and mobile '
                      'broadband). A separate coordinating role acts as the glue, keeping '
                      'products and their initiatives aligned.',
  'telco_examples': ['Operator born from merging a mobile and a fixed-line business, with two '
                     'major products',
                     'Quad-play operator selling TV, broadband, mobile and fixed voice'],
  'next_stage': 'segment_centric',
  'next_stage_note': 'Time to move on when the portfolio and the number of distinct customer '
                     'groups keep growing: coordinating product owners stops being enough, and '
                     'customers need owners of their own, separate from the products.',
  'activities': ['For each product: keep its customers and renew their contracts.',
                 'For each product: upsell and manage its price plans.',
                 'For each product: report the quality of newly acquired customers back to '
                 'acquisition.',
                 'Across products: design combined price plans that put several products under '
                 'one price.',
                 'Across products: move customers between products, for example from prepaid '
                 'to postpaid mobile.',
                 'Across products: cross-sell, for example home broadband to existing mobile '
                 'customers.'],
  'challenges': [('Telling several value propositions apart',
                  'Standalone and bundled versions of the same products are marketed at the '
                  'same time, and customers and sales channels alike lose track of which is '
                  'which.'),
                 ('Product managers pulling in different directions',
                  'Each product team plans its own campaigns, and one customer ends up flooded '
                  'with unrelated offers in the same week.'),
                 ("One product's plans undercut another's",
                  'A new prepaid plan makes the postpaid plans look poor value, or a postpaid '
                  'plan draws away the most valuable prepaid customers.'),
                 ('Separate systems behind each product',
                  'Every product runs on its own back-end, so ordering, billing and servicing '
                  'a bundle is slow and error-prone, and nobody sees the whole customer.')],
  'suggested_kpi_codes': ['revenue', 'arpu', 'clv', 'churn_rate', 'nps', 'time_to_campaign'],
  'suggested_handshake_areas': ['general-management',
                                'product-management',
                                'pricing',
                                'marketing',
                                'outbound-unassisted',
                                'customer-experience',
                                'technology']},
 {'code': 'segment_centric',
  'name': 'Segment-centric',
  'order': 3,
  'summary': 'Customer segments have owners with their own budget, and products become '
             'building blocks that each segment packages its own way.',
  'financial': 'Each segment owner carries the budget and the commercial KPIs for the whole '
               "segment, whichever products its customers buy; the focus is the segment's "
               'total revenue and performance.',
  'customer_base': 'The base is divided into segments built around key customer '
                   'characteristics, much as business-to-business sales are organised, and '
                   'each segment is managed as a whole.',
  'customer_experience': 'The experience is shaped separately for each segment: the same '
                         'product can reach different segments with its own positioning, '
                         'bundle and price.',
  'internal_process': 'Segment owners are separate from product owners. Segments take the '
                      'commercial and communication decisions; product teams concentrate on '
                      'technology and features.',
  'telco_examples': ['Low-cost brands that compete mainly on price',
                     'MVNO brands aimed at particular ethnic communities',
                     'One handset bundled one way for one segment and another way, at another '
                     'price, for a second segment',
                     'Business units split into government, large-enterprise and '
                     'small-business accounts'],
  'next_stage': None,
  'next_stage_note': '',
  'activities': ["Run the whole lifecycle of the segment's customers: acquisition, onboarding, "
                 'upsell and cross-sell, renewal, retention and hand-over when a customer '
                 'moves to another segment.',
                 'Adapt and differentiate the product portfolio to what each segment needs.'],
  'challenges': [('Segments compete for shared back-end resources',
                  'Two segments need changes to the same billing platform in the same quarter, '
                  'and only one of them can go first.'),
                 ('Disputes over prices and over who earns the revenue and carries the cost',
                  'One product is packaged for two segments at different prices, and nobody '
                  'agrees which segment books the revenue or pays for the support it needs.'),
                 ('Finding the right channels for each segment',
                  'Small businesses want an account manager while the low-cost brand should be '
                  'served almost entirely online; pushing both through the same shops serves '
                  'neither well.'),
                 ('Extra cost and complexity',
                  'Every new segment brings its own offers, campaigns and reports to maintain, '
                  "and the overhead can grow faster than the segment's revenue.")],
  'suggested_kpi_codes': ['clv',
                          'ampu',
                          'revenue',
                          'churn_rate',
                          'onboarding_rate',
                          'csat',
                          'cost_to_serve'],
  'suggested_handshake_areas': ['general-management',
                                'product-management',
                                'pricing',
                                'finance-operations',
                                'marketing',
                                'technology',
                                'customer-success']}]


def ship_flavors(apps, schema_editor):
    Flavor = apps.get_model("flavors", "Flavor")
    FlavorActivity = apps.get_model("flavors", "FlavorActivity")
    FlavorChallenge = apps.get_model("flavors", "FlavorChallenge")
    by_code = {}
    for item in FLAVORS:
        flavor, created = Flavor.objects.get_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "order": item["order"],
                "summary": item["summary"],
                "financial": item["financial"],
                "customer_base": item["customer_base"],
                "customer_experience": item["customer_experience"],
                "internal_process": item["internal_process"],
                "telco_examples": "\n".join(item["telco_examples"]),
                "next_stage_note": item["next_stage_note"],
                "suggested_kpi_codes": item["suggested_kpi_codes"],
                "suggested_handshake_areas": item["suggested_handshake_areas"],
            },
        )
        by_code[item["code"]] = flavor
        if created:
            FlavorActivity.objects.bulk_create(
                FlavorActivity(flavor=flavor, order=n, text=text)
                for n, text in enumerate(item["activities"], start=1)
            )
            FlavorChallenge.objects.bulk_create(
                FlavorChallenge(flavor=flavor, order=n, title=title, example=example)
                for n, (title, example) in enumerate(item["challenges"], start=1)
            )
    for item in FLAVORS:
        if item["next_stage"]:
            flavor = by_code[item["code"]]
            flavor.next_stage = by_code[item["next_stage"]]
            flavor.save(update_fields=["next_stage"])


def remove_flavors(apps, schema_editor):
    apps.get_model("flavors", "Flavor").objects.filter(
        code__in=[item["code"] for item in FLAVORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("flavors", "0001_initial")]

    operations = [migrations.RunPython(ship_flavors, remove_flavors)]
