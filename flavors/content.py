"""The texts shipped with the three CVM flavors, in English.

This module is the one place where the shipped texts live. Migration
`0002_ship_flavors` holds a frozen copy of them, so that later edits here never
change what an old migration does: to change shipped texts, edit them here and
add a new data migration that updates the rows (staff edits in the admin win
over shipped texts, so update only rows still holding the old text).

Every text is marked with `gettext_noop`, so `make messages` collects it. The
pages render these fields with `{% translate %}`: a text still equal to the
shipped English shows its translation, and a text staff have rewritten shows
as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

FLAVORS: list[dict] = [
    {
        "code": "product_centric",
        "name": _("Product-centric"),
        "order": 1,
        "summary": _(
            "One dominant product shapes the organisation, and whoever owns the product "
            "also owns its customers."
        ),
        "financial": _(
            "Most of the revenue comes from a single product, so the company's commercial "
            "results are, in practice, that product's results."
        ),
        "customer_base": _(
            "Most customers are counted as customers of that one product: base size, churn "
            "and base revenue are the product's own numbers."
        ),
        "customer_experience": _(
            "Customers meet the company mainly through the one product and the channels "
            "that sell and service it."
        ),
        "internal_process": _(
            "One commercial leader, typically a marketing director or chief commercial "
            "officer, oversees pricing, promotion and distribution and joins them up. The "
            "product owner answers for the product's customers as well."
        ),
        "telco_examples": [
            _("Broadband-only provider"),
            _("Prepaid mobile virtual network operator (MVNO)"),
            _("Mobile operator serving mainly postpaid subscribers"),
            _("Cable TV-only provider"),
            _("Over-the-top (OTT) video streaming service"),
        ],
        "next_stage": "coordinated",
        "next_stage_note": _(
            "Time to move on when the portfolio grows and a noticeable share of customers "
            "holds more than one product: value then has to be managed across products, "
            "not inside one."
        ),
        "activities": [
            _("Keep the main product's customers and renew their contracts."),
            _("Grow revenue within the main product through upgrades and price-plan changes."),
            _(
                "Tell the acquisition teams which channels and offers bring in customers who "
                "stay and pay."
            ),
        ],
        "challenges": [
            (
                _("Acquisition works against retention"),
                _(
                    "Deep discounts for newcomers make existing customers leave and sign up "
                    "again just to get the better price, so the base shrinks in value."
                ),
            ),
            (
                _("Channels are not coordinated"),
                _(
                    "Telesales pushes an offer that the staff in the shops have never heard of, "
                    "and the customer gets two different answers."
                ),
            ),
            (
                _("Prices differ from one channel to another"),
                _(
                    "A big promotion runs online, but the stores cannot sell it because nobody "
                    "prepared or briefed them."
                ),
            ),
        ],
        "suggested_kpi_codes": ["churn_rate", "arpu", "base_size", "onboarding_rate", "revenue"],
        "suggested_handshake_areas": [
            "product-management",
            "pricing",
            "customer-acquisition",
            "inbound-assisted",
            "outbound-assisted",
            "sales",
        ],
    },
    {
        "code": "coordinated",
        "name": _("Coordinated"),
        "order": 2,
        "summary": _(
            "Several major products serve the same customers, each with its own owner, and a "
            "coordinating role joins them up."
        ),
        "financial": _(
            "Revenue is split fairly evenly across a few major products, all sold to the same "
            "customer segments."
        ),
        "customer_base": _(
            "A substantial part of the base holds more than one product, so the same person "
            "appears in several product bases at once."
        ),
        "customer_experience": _(
            "Customers use several products side by side and often receive messages that do "
            "not fit together; trouble with one product colours how they see the others."
        ),
        "internal_process": _(
            "Each product has its own owner (for example mobile voice and mobile broadband). "
            "A separate coordinating role acts as the glue, keeping products and their "
            "initiatives aligned."
        ),
        "telco_examples": [
            _(
                "Operator born from merging a mobile and a fixed-line business, with two major products"
            ),
            _("Quad-play operator selling TV, broadband, mobile and fixed voice"),
        ],
        "next_stage": "segment_centric",
        "next_stage_note": _(
            "Time to move on when the portfolio and the number of distinct customer groups "
            "keep growing: coordinating product owners stops being enough, and customers need "
            "owners of their own, separate from the products."
        ),
        "activities": [
            _("For each product: keep its customers and renew their contracts."),
            _("For each product: upsell and manage its price plans."),
            _(
                "For each product: report the quality of newly acquired customers back to acquisition."
            ),
            _(
                "Across products: design combined price plans that put several products under one price."
            ),
            _(
                "Across products: move customers between products, for example from prepaid to postpaid mobile."
            ),
            _(
                "Across products: cross-sell, for example home broadband to existing mobile customers."
            ),
        ],
        "challenges": [
            (
                _("Telling several value propositions apart"),
                _(
                    "Standalone and bundled versions of the same products are marketed at the "
                    "same time, and customers and sales channels alike lose track of which is "
                    "which."
                ),
            ),
            (
                _("Product managers pulling in different directions"),
                _(
                    "Each product team plans its own campaigns, and one customer ends up "
                    "flooded with unrelated offers in the same week."
                ),
            ),
            (
                _("One product's plans undercut another's"),
                _(
                    "A new prepaid plan makes the postpaid plans look poor value, or a postpaid "
                    "plan draws away the most valuable prepaid customers."
                ),
            ),
            (
                _("Separate systems behind each product"),
                _(
                    "Every product runs on its own back-end, so ordering, billing and servicing "
                    "a bundle is slow and error-prone, and nobody sees the whole customer."
                ),
            ),
        ],
        "suggested_kpi_codes": ["revenue", "arpu", "clv", "churn_rate", "nps", "time_to_campaign"],
        "suggested_handshake_areas": [
            "general-management",
            "product-management",
            "pricing",
            "marketing",
            "outbound-unassisted",
            "customer-experience",
            "technology",
        ],
    },
    {
        "code": "segment_centric",
        "name": _("Segment-centric"),
        "order": 3,
        "summary": _(
            "Customer segments have owners with their own budget, and products become "
            "building blocks that each segment packages its own way."
        ),
        "financial": _(
            "Each segment owner carries the budget and the commercial KPIs for the whole "
            "segment, whichever products its customers buy; the focus is the segment's total "
            "revenue and performance."
        ),
        "customer_base": _(
            "The base is divided into segments built around key customer characteristics, much "
            "as business-to-business sales are organised, and each segment is managed as a "
            "whole."
        ),
        "customer_experience": _(
            "The experience is shaped separately for each segment: the same product can reach "
            "different segments with its own positioning, bundle and price."
        ),
        "internal_process": _(
            "Segment owners are separate from product owners. Segments take the commercial and "
            "communication decisions; product teams concentrate on technology and features."
        ),
        "telco_examples": [
            _("Low-cost brands that compete mainly on price"),
            _("MVNO brands aimed at particular ethnic communities"),
            _(
                "One handset bundled one way for one segment and another way, at another price, for a second segment"
            ),
            _("Business units split into government, large-enterprise and small-business accounts"),
        ],
        "next_stage": None,
        "next_stage_note": "",
        "activities": [
            _(
                "Run the whole lifecycle of the segment's customers: acquisition, onboarding, "
                "upsell and cross-sell, renewal, retention and hand-over when a customer moves "
                "to another segment."
            ),
            _("Adapt and differentiate the product portfolio to what each segment needs."),
        ],
        "challenges": [
            (
                _("Segments compete for shared back-end resources"),
                _(
                    "Two segments need changes to the same billing platform in the same quarter, "
                    "and only one of them can go first."
                ),
            ),
            (
                _("Disputes over prices and over who earns the revenue and carries the cost"),
                _(
                    "One product is packaged for two segments at different prices, and nobody "
                    "agrees which segment books the revenue or pays for the support it needs."
                ),
            ),
            (
                _("Finding the right channels for each segment"),
                _(
                    "Small businesses want an account manager while the low-cost brand should be "
                    "served almost entirely online; pushing both through the same shops serves "
                    "neither well."
                ),
            ),
            (
                _("Extra cost and complexity"),
                _(
                    "Every new segment brings its own offers, campaigns and reports to maintain, "
                    "and the overhead can grow faster than the segment's revenue."
                ),
            ),
        ],
        "suggested_kpi_codes": [
            "clv",
            "ampu",
            "revenue",
            "churn_rate",
            "onboarding_rate",
            "csat",
            "cost_to_serve",
        ],
        "suggested_handshake_areas": [
            "general-management",
            "product-management",
            "pricing",
            "finance-operations",
            "marketing",
            "technology",
            "customer-success",
        ],
    },
]
