"""The shipped handshake library: every text in one place.

One entry per functional area: its slug and name, and the content of its first
published version. The data migration `0002_shipped_library` holds a frozen copy
of this data (so later edits here never rewrite history); a later edition of the
library reaches existing databases as new versions, through the admin or
`import_handshakes`.

Every text is marked with `gettext_noop`, so `make messages` collects it and
the Italian catalogue translates it. The pages show these fields through
gettext: a text still equal to the shipped English shows its translation, and a
text staff have rewritten shows as written. List fields are translated per item.

Impact levels: the twelve areas described in CVMBoK keep the level given there
(Technology has none there; see its sentence). For the areas taken from the
product-management and customer-support sources, the sentence says why the level
was chosen.

Stages are the customer journey stages: discover, buy, use_and_fix,
customers_for_life.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

LIBRARY: list[dict] = [
    {
        "slug": "general-management",
        "name": _("General management"),
        "purpose": _(
            "Chooses the company's direction, decides where money and people go, and "
            "holds every function to the results that follow from those choices."
        ),
        "inputs": [
            _(
                "Sets the strategy, the business objectives and the major initiatives that CVM is expected to serve."
            ),
            _(
                "Delegates the CVM KPIs, usually revenue of the base, retention and customer experience, and fixes their targets."
            ),
            _(
                "Allocates budget, people and tools to CVM and settles conflicts when CVM competes with other functions for them."
            ),
            _(
                "Knows first about mergers, new owners, new competitors or regulation that can overturn CVM's priorities overnight."
            ),
        ],
        "outputs": [
            _(
                "A regular picture of the customer base: size, churn, revenue and margin per user and lifetime value, by segment."
            ),
            _(
                "Evidence for strategic choices, such as which personas are growing in value and which are drifting away."
            ),
            _(
                # xgettext:no-python-format
                "A measured contribution of CVM to revenue (industry benchmarks put it at 2-3% of the total), so investment follows results."
            ),
        ],
        "key_handshakes": [
            _("Company direction and the strategic bets CVM serves this quarter"),
            _("The CVM KPIs, their targets and the owner of each"),
            _("The strategic CVM initiatives and their order of priority"),
            _("The budget, people and systems CVM can count on"),
            _("A standing forum where CVM insight reaches leadership decisions"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Without a shared direction CVM optimises for the wrong priorities, and no "
            "amount of campaign skill makes up for that."
        ),
        "stages": ["discover", "buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "product-management",
        "name": _("Product management"),
        "purpose": _(
            "Discovers what each persona needs and makes sure the product's value "
            "proposition actually meets those needs."
        ),
        "inputs": [
            _(
                "Defines the core value proposition and what it is like to use it; CVM can only work within what the product does for the persona."
            ),
            _(
                "Is the source of much of CVM's data: usage and purchase history, product attributes, availability, cost and technical details."
            ),
            _(
                "Builds products that are easy or hard to personalise, which widens or narrows everything CVM can offer."
            ),
            _(
                "Can trigger complaints and churn: an old product withdrawn for a new one, features that fall behind competitors, a clumsy user experience."
            ),
            _(
                "Shares customer-facing work with CVM: who onboards customers and teaches them the features, and who upsells and cross-sells products and add-ons."
            ),
        ],
        "outputs": [
            _("Evidence of product-segment fit in adoption, usage, retention and revenue KPIs."),
            _("A view of which features the current base really uses, and how well they serve it."),
            _(
                "The locations, channels and customer groups where a product beats its average, with suggestions for improving features elsewhere."
            ),
        ],
        "key_handshakes": [
            _("What product data is collected and how CVM receives it"),
            _("Adapting product features to customer segments"),
            _("Products ready for segment targeting and personalised offers"),
            _("Feature bundles designed together around segment needs"),
            _("A joint channel strategy for product visibility and engagement"),
            _("Who owns onboarding and feature education"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "When product and CVM pull in different directions the core CVM KPIs fall "
            "sharply: no offer keeps a customer on a product that does not fit them."
        ),
        "stages": ["discover", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "pricing",
        "name": _("Pricing"),
        "purpose": _(
            "Designs the price architecture: how products, plans, options and "
            "promotions are priced, and for whom."
        ),
        "inputs": [
            _(
                "Balances winning new customers against keeping existing ones; new-customer prices that beat what loyal customers pay erode the base."
            ),
            _("Sets the price points CVM needs for trials, retention offers and each upsell step."),
            _(
                "Shapes the bill the customer receives; unexpected charges and bill shock are a frequent reason to leave."
            ),
            _("Decides how flexible offers can be, and so how far CVM can personalise them."),
        ],
        "outputs": [
            _("Measured price elasticity: how each segment reacts to price changes and offers."),
            _("Evidence of where discounts keep customers and where they only give margin away."),
            _("Early warning of bill-shock patterns and price-driven churn."),
        ],
        "key_handshakes": [
            _("Pricing flexible enough for personalised offers"),
            _("Discount limits that protect profitability"),
            _("Price points for trials, retention and upsell"),
            _("Sharing price elasticity findings"),
            _("Preventing bill shock"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Price is among the strongest reasons customers stay, upgrade or leave, so a "
            "price architecture designed without CVM works against retention and upsell."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "customer-acquisition",
        "name": _("Customer acquisition"),
        "purpose": _(
            "Wins new customers through the channels, offers and partners the company uses to grow."
        ),
        "inputs": [
            _(
                "Decides who joins the base: wrong-fit or fraudulent customers turn into CVM's churn and bad debt a few months later."
            ),
            _(
                "Can cannibalise the base when offers for newcomers are better than anything existing customers get."
            ),
            _(
                "Sets expectations at the point of sale; promising too much comes back as complaints and early churn."
            ),
            _("Passes on the first data about each customer, which CVM needs for onboarding."),
        ],
        "outputs": [
            _(
                "The quality of acquired customers by channel, location, offer and partner: early churn, usage, revenue and payment behaviour."
            ),
            _(
                "Signals that acquisition offers are prompting existing customers to ask for the same deal."
            ),
            _("Profiles of newcomers who grow in value, so acquisition can look for more of them."),
        ],
        "key_handshakes": [
            _("A shared definition of a good-fit customer"),
            _("Feedback on acquired-customer quality by channel and location"),
            _("Rules that stop newcomer offers from cannibalising the base"),
            _("Honest promises at the point of sale"),
            _("The handover from acquisition to onboarding"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Acquisition decides which customers CVM has to work with; poor-fit customers "
            "and offers that undercut the base cost more than any campaign can win back."
        ),
        "stages": ["discover", "buy"],
    },
    {
        "slug": "inbound-assisted",
        "name": _("Inbound channels, assisted"),
        "purpose": _(
            "Serves customers who come to the company and speak to a person: shops, "
            "dealers and the call centre."
        ),
        "inputs": [
            _(
                "Hosts many of the key Moments of Truth: the complaint, the cancellation request, the renewal, the question about a bigger plan."
            ),
            _(
                "Decides whether a CVM offer is presented at all, and how well, while the customer is talking to an agent."
            ),
            _("Hears why customers call and what they say, a rich source of insight for CVM."),
            _(
                "Can hurt retention through long waits, inconsistent answers or agents paid only for new sales."
            ),
        ],
        "outputs": [
            _(
                "Next-best-offer and next-best-action suggestions, with their reasons, for the customer the agent is serving."
            ),
            _("Retention offers and save routines for customers who ask to leave."),
            _(
                "Results by offer and agent: what was presented, what was accepted, which conversations ended in churn."
            ),
        ],
        "key_handshakes": [
            _("Next-best offers inside the agents' tools"),
            _("Save rules for cancellation requests"),
            _("Agent incentives that reward keeping and growing customers"),
            _("Recording contact reasons and outcomes for CVM"),
            _("Offers consistent with the self-service channels"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Many decisive conversations happen with an agent, so CVM results depend on "
            "what shops and call centres actually say and offer."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "inbound-unassisted",
        "name": _("Inbound channels, unassisted"),
        "purpose": _(
            "Serves customers who help themselves: website, app, chatbot, USSD and "
            "other self-service menus."
        ),
        "inputs": [
            _(
                "Is where many customers check their usage, pay, change plans and look for help, often at a Moment of Truth."
            ),
            _(
                "Decides whether personalised offers can appear in the app or on the web, and how quickly they can be changed."
            ),
            _(
                "Produces behavioural data (visits, searches, abandoned journeys) that signals an intent to buy or to leave."
            ),
            _(
                "Friction here pushes customers to expensive assisted channels, or out of the company."
            ),
        ],
        "outputs": [
            _("Personalised content and offers for each customer's self-service session."),
            _(
                "The journeys where customers give up or call straight afterwards, so they can be fixed."
            ),
            _("Conversion of app and web offers, per segment."),
        ],
        "key_handshakes": [
            _("Places for personalised offers in the app and on the web"),
            _("Sharing behavioural and intent data"),
            _("Self-service journeys for upgrades, renewals and add-ons"),
            _("Fixing the drop-off points CVM finds"),
            _("Offers consistent with the assisted channels"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Self-service is where most customers meet the company from day to day, so "
            "that is where CVM reaches them or misses them."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "outbound-assisted",
        "name": _("Outbound channels, assisted"),
        "purpose": _(
            "Contacts customers through people: telesales, retention calls and field sales."
        ),
        "inputs": [
            _(
                "Carries the CVM campaigns that need a conversation, such as renewals before a contract ends and complex upgrades."
            ),
            _(
                "Has limited capacity: the number of calls that can be made caps how many customers a campaign reaches."
            ),
            _("Scripts and call quality decide whether an offer lands or irritates."),
            _("Records the outcome of each contact, which CVM needs to learn from."),
        ],
        "outputs": [
            _(
                "Call lists in priority order: the customers with the most value at stake or the best chance of saying yes."
            ),
            _("For each customer, the offer, the reason to call and the points to make."),
            _("Campaign results measured against control groups, and targeting tuned accordingly."),
        ],
        "key_handshakes": [
            _("Call lists ranked by value at stake"),
            _("Capacity planned for CVM campaigns"),
            _("Scripts and offers for each campaign"),
            _("Contact outcomes recorded for learning"),
            _("Contact rules that respect customer preferences"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "A well-timed call renews a contract that would otherwise lapse, while badly "
            "targeted calls waste scarce capacity and annoy customers."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "outbound-unassisted",
        "name": _("Outbound channels, unassisted"),
        "purpose": _(
            "Sends messages without an agent: email, SMS, push notifications, in-app "
            "messages and social media."
        ),
        "inputs": [
            _(
                "Is often run by the CVM team itself and is the cheapest way to reach the whole base."
            ),
            _(
                "Sets the technical limits: delivery, timing, personalisation and how fast a message can follow an event."
            ),
            _("Too many or irrelevant messages cause opt-outs, which close the channel for good."),
            _("Returns delivery and response data that CVM learns from."),
        ],
        "outputs": [
            _("Targeted, event-triggered messages instead of mass broadcasts."),
            _(
                "Coordinated contact pressure, so one customer is not flooded by several teams at once."
            ),
            _("Incremental response measured against control groups."),
        ],
        "key_handshakes": [
            _("One contact calendar and a cap on messages per customer"),
            _("Triggers from real-time events"),
            _("Handling consent and opt-outs"),
            _("Content and brand rules for CVM messages"),
            _("Response tracking with control groups"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "This is CVM's widest reach: careless use burns consent across the base, "
            "careful use drives upsell and retention at low cost."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "customer-experience",
        "name": _("Customer experience"),
        "purpose": _(
            "Designs and looks after the experience customers have with the company "
            "from end to end, across products and channels."
        ),
        "inputs": [
            _(
                "Keeps journeys easy and consistent; a rough journey causes complaints and churn that no offer can repair."
            ),
            _("Owns the voice of the customer: complaints, surveys, NPS and satisfaction scores."),
            _("Decides which journey fixes come first."),
        ],
        "outputs": [
            _(
                "Experience scores linked to behaviour: which bad experiences lead to churn, and what they cost."
            ),
            _("The Moments of Truth worth fixing first, ranked by the business at stake."),
            _("Checks that CVM's own offers and messages do not spoil the experience."),
        ],
        "key_handshakes": [
            _("A shared list of Moments of Truth and who fixes each"),
            _("NPS and CSAT joined with customer value data"),
            _("Complaint insight feeding CVM targeting"),
            _("A consistent experience across products and channels"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Customers judge the whole experience; friction in any journey undermines "
            "retention however good the offer is."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "technology",
        "name": _("Technology"),
        "purpose": _(
            "Builds and runs the systems that hold customer data and deliver "
            "analytics, communication and offers."
        ),
        "inputs": [
            _(
                "Provides the customer data and its quality; without timely, joined-up data CVM targets in the dark."
            ),
            _(
                "Supplies the analytics and modelling tools behind segmentation, churn and propensity models."
            ),
            _(
                "Connects campaigns to channels and makes sure accepted offers are fulfilled and billed correctly."
            ),
            _("Separate back-ends per product make consolidated offers slow and costly to build."),
        ],
        "outputs": [
            _("Data and integration needs, ranked by business value."),
            _("The offer and eligibility rules that systems must apply."),
            _("Failed fulfilments and data gaps found while running campaigns."),
        ],
        "key_handshakes": [
            _("Availability, quality and freshness of customer data"),
            _("The roadmap for analytics and campaign tools"),
            _("Offer fulfilment and billing integration"),
            _("Release windows for CVM changes"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Rated high because every CVM activity runs on the data, analytics, channels "
            "and fulfilment that technology provides; when they fail, CVM stops."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "security",
        "name": _("Security"),
        "purpose": _(
            "Protects the company's information and systems against misuse, loss and attack."
        ),
        "inputs": [
            _(
                "Controls who may see and use customer data; a consolidated customer view is an attractive target for leaks."
            ),
            _(
                "Sets the access rules, audits and approvals that decide how quickly CVM gets data and tools."
            ),
            _("Reviews the vendors and tools CVM wants to use."),
        ],
        "outputs": [
            _("A clear record of which customer data CVM holds, where, and why."),
            _("Least-privilege access in CVM teams and tools, and cooperation in audits."),
            _("Reports of unusual data use and of vendor risk."),
        ],
        "key_handshakes": [
            _("Access control for consolidated customer data"),
            _("Regular audits of CVM data and tools"),
            _("Security review of new tools and vendors"),
            _("Incident response involving customer data"),
        ],
        "impact": "MEDIUM",
        "impact_reason": _(
            "A leak of consolidated customer data would badly damage trust, yet day-to-day "
            "CVM results depend less on security than on the commercial functions."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "regulatory-compliance",
        "name": _("Regulatory and compliance"),
        "purpose": _(
            "Keeps the company within the law and the regulators' rules, and away from penalties."
        ),
        "inputs": [
            _(
                "Interprets privacy law such as GDPR: consent, purpose and how long customer data may be kept."
            ),
            _(
                "Sets the rules for marketing communication: channels, hours, frequency and opt-outs."
            ),
            _(
                "Governs profiling and automated decisions made with AI and machine-learning models."
            ),
            _("Approves pricing and promotion mechanics, such as price rises and loyalty rewards."),
        ],
        "outputs": [
            _(
                "Early sight of planned campaigns, models and offers, so they can be checked in time."
            ),
            _("Records of consent and of how customers were selected for each campaign."),
            _("Complaints and incidents that could draw a regulator's attention."),
        ],
        "key_handshakes": [
            _("Consent and privacy rules for customer data"),
            _("Rules for marketing communication"),
            _("Profiling and automated decision-making"),
            _("Approval of pricing and promotion mechanics"),
        ],
        "impact": "MEDIUM",
        "impact_reason": _(
            "Ignoring the rules brings penalties and halted campaigns, but once the rules "
            "are agreed early they seldom limit CVM results."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "marketing",
        "name": _("Marketing"),
        "purpose": _(
            "Translates the product vision into the value customers are looking for, "
            "builds the brand and creates demand."
        ),
        "inputs": [
            _(
                "Positions products and sets expectations before customers buy, through the website, social media, events and launches."
            ),
            _("Prepares sales and partner channels for each launch (sales enablement)."),
            _(
                "Runs brand campaigns that compete with CVM messages for the same customers' attention."
            ),
            _(
                "Runs loyalty programmes such as customer events, webinars, communities, advisory councils and awards, often tracked through NPS."
            ),
        ],
        "outputs": [
            _(
                "Which segments and personas respond, grow and stay, to sharpen positioning and targeting."
            ),
            _(
                "Replacement and upgrade programmes for existing customers, and customer wins worth telling."
            ),
            _("Coordinated contact, so brand and CVM messages reach the customer as one voice."),
        ],
        "key_handshakes": [
            _("Positioning and expectations for each persona"),
            _("A joint contact calendar for the existing base"),
            _("Replacement and upgrade programmes"),
            _("Loyalty and community programmes"),
            _("Stories of customer wins and win-backs"),
        ],
        "impact": "MEDIUM",
        "impact_reason": _(
            "Rated medium: marketing shapes expectations and shares customers' attention "
            "with CVM, but seldom decides on its own whether a customer stays."
        ),
        "stages": ["discover", "buy", "customers_for_life"],
    },
    {
        "slug": "sales",
        "name": _("Sales"),
        "purpose": _(
            "Turns qualified prospects into customers and grows accounts, directly or "
            "through partners."
        ),
        "inputs": [
            _(
                "Brings in customers who fit, or who do not: volume-only incentives fill the base with customers who leave early."
            ),
            _("Prepares contracts, sales incentives and the routes to market through channels."),
            _(
                "In many B2B set-ups owns the renewal and growth conversations with strategic accounts."
            ),
            _("Drives the time to close and the time to revenue."),
        ],
        "outputs": [
            _("Accounts with upsell and cross-sell potential, and the reason for each."),
            _("Customers at risk, flagged well before renewal."),
            _("Which deals grew in value after the sale, and which did not."),
        ],
        "key_handshakes": [
            _("Who owns renewals and upsell in each segment"),
            _("Incentives that reward customer value, not volume alone"),
            _("The strategic account list and its priorities"),
            _("Sharing risk signals before renewal"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Rated high: wherever people sell, renewals and upsell pass through sales, so "
            "incentives and account ownership decide much of CVM's revenue."
        ),
        "stages": ["discover", "buy", "customers_for_life"],
    },
    {
        "slug": "customer-support",
        "name": _("Customer support"),
        "purpose": _(
            "Helps customers use the product and solves their problems within agreed "
            "service levels."
        ),
        "inputs": [
            _(
                "Runs the feedback loops: what customers struggle with and ask for reaches product and CVM through support."
            ),
            _(
                "Solves problems fast or slowly; the time to fix weighs heavily on whether a customer stays."
            ),
            _("Notices upsell and cross-sell opportunities during support contacts."),
            _(
                "Manages service levels, help-desk response times, the user community and customer training."
            ),
        ],
        "outputs": [
            _("High-value and at-risk customers flagged, so support can put them first."),
            _(
                "Offers that suit a support conversation, without pushing a sale on an unhappy customer."
            ),
            _("Support contacts linked to churn and lifetime value."),
        ],
        "key_handshakes": [
            _("Priority handling for high-value and at-risk customers"),
            _("Feedback and feature requests reaching the backlog"),
            _("When a support contact may carry an offer"),
            _("Time to fix and service levels as shared KPIs"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Rated high: support cuts churn and raises lifetime value directly, and it is "
            "where unhappy customers decide whether to stay."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "customer-success",
        "name": _("Customer success"),
        "purpose": _(
            "Makes sure customers get the value they bought, driving adoption over a "
            "long relationship, above all in subscription services."
        ),
        "inputs": [
            _(
                "Tracks progress toward the value promised at the sale and notices a lack of progress before the customer is lost."
            ),
            _("Often has the closest relationship with the customer of any team."),
            _("Feeds requests for new features and tests roadmap ideas with customers."),
        ],
        "outputs": [
            _("Usage and health signals for each account, with benchmarks."),
            _("Accounts that are ready to buy more."),
            _("The adoption actions that raise lifetime value the most."),
        ],
        "key_handshakes": [
            _("A shared customer health score"),
            _("Adoption goals for each segment"),
            _("Handing growth opportunities to sales and CVM"),
            _("Joint input to the roadmap"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Rated high: adoption is what turns a sale into lifetime value, and customer "
            "success is the team that drives it."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "finance-operations",
        "name": _("Finance and operations"),
        "purpose": _(
            "Follows the money: order processing, billing, collections, revenue "
            "recognition and financial reporting."
        ),
        "inputs": [
            _(
                "Links order processing to provisioning and billing; mistakes here become wrong invoices, and wrong invoices become churn."
            ),
            _(
                "Decides how revenue, bookings, commissions and costs are counted, including the margin behind AMPU and CLV."
            ),
            _("Handles late payments, returns, replacements and upgrades."),
            _("Approves CVM budgets and judges their return."),
        ],
        "outputs": [
            _("A business case for each CVM initiative, with its incremental revenue measured."),
            _("Cost to serve and collection problems by segment."),
            _("Billing errors that trigger complaints, caught early."),
        ],
        "key_handshakes": [
            _("How incremental CVM revenue is measured"),
            _("Margin and cost-to-serve data for CLV"),
            _("Billing accuracy and handling of payment problems"),
            _("The CVM budget and its business cases"),
        ],
        "impact": "MEDIUM",
        "impact_reason": _(
            "Rated medium: finance rarely meets customers, but wrong invoices and disputed "
            "numbers undermine both customer trust and CVM's budget."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "legal",
        "name": _("Legal"),
        "purpose": _(
            "Protects the company in contracts, intellectual property and disputes at "
            "every stage of the customer journey."
        ),
        "inputs": [
            _(
                "Writes the customer contracts, licence and subscription terms that limit what an offer may change."
            ),
            _("Protects intellectual property, trademarks and product names."),
            _("Prepares negotiation positions on service levels, warranties and liability."),
        ],
        "outputs": [
            _("Offer mechanics and contract changes brought early, not in the week before launch."),
            _("Terms that customers complain about or that block renewals."),
        ],
        "key_handshakes": [
            _("Standard terms for retention and upsell offers"),
            _("Contract changes at renewal"),
            _("Review lead time for new offers"),
        ],
        "impact": "LOW",
        "impact_reason": _(
            "Rated low: legal seldom moves CVM results directly; late involvement mostly "
            "delays offers, which early agreement avoids."
        ),
        "stages": ["discover", "buy"],
    },
    {
        "slug": "engineering-qa",
        "name": _("Engineering and QA"),
        "purpose": _(
            "Builds the product and makes sure it works: quality, availability, data "
            "protection and recovery."
        ),
        "inputs": [
            _(
                "Delivers the product's quality and reliability; defects and outages turn into complaints and churn."
            ),
            _(
                "Supports demos, proofs of concept and minimum viable products early in the journey."
            ),
            _("Prioritises fixes through the support escalation process."),
            _("Plans for a supplier failing and for disaster recovery."),
        ],
        "outputs": [
            _("Defects ranked by the value of the customers they affect."),
            _("The issues that drive complaints and churn, with evidence."),
        ],
        "key_handshakes": [
            _("The escalation process and fix priorities"),
            _("Quality signals shared with CVM"),
            _("Release plans that affect customers"),
        ],
        "impact": "MEDIUM",
        "impact_reason": _(
            "Rated medium: quality problems do drive churn, but the link is indirect and "
            "mostly runs through support escalations."
        ),
        "stages": ["discover", "use_and_fix"],
    },
    {
        "slug": "network-cloud-operations",
        "name": _("Network and cloud operations"),
        "purpose": _(
            "Runs the network and cloud services customers rely on, against agreed "
            "uptime and performance."
        ),
        "inputs": [
            _("Network quality and outages are among the main reasons telecom customers leave."),
            _("Publishes uptime, reports outages and decides how to tell customers about them."),
            _("Speeds up or slows down onboarding, upgrades and migrations."),
            _(
                "Tracks customer and transaction volumes and, with engineering, manages gross margin."
            ),
        ],
        "outputs": [
            _("Customers hit by repeated poor quality, for proactive contact or compensation."),
            _("Network investment priorities informed by customer value."),
            _("Usage growth by segment, to plan capacity."),
        ],
        "key_handshakes": [
            _("Outage notices and compensation for affected customers"),
            _("Service quality data at customer level"),
            _("Network investment priorities by customer value"),
            _("Performance results marketing can promote"),
        ],
        "impact": "HIGH",
        "impact_reason": _(
            "Rated high for telecom: the network experience is a leading reason to stay or "
            "leave, and CVM can soften an outage only if it hears about it in time."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "project-management",
        "name": _("Project management"),
        "purpose": _(
            "Coordinates releases across teams: documentation, roadmaps, product codes "
            "(SKUs), order handling and price exceptions."
        ),
        "inputs": [
            _(
                "Makes sure a new offer arrives with its product codes, order handling and pricing documentation."
            ),
            _("Spots gaps between teams before they grow into escalations."),
            _("Schedules the releases that CVM campaigns depend on."),
        ],
        "outputs": [
            _("CVM requirements and dates, known early."),
            _("Problems found in campaigns that need a fix across teams."),
        ],
        "key_handshakes": [
            _("A release calendar that includes CVM offers"),
            _("Readiness checks before an offer launches"),
            _("Handling price exceptions"),
        ],
        "impact": "LOW",
        "impact_reason": _(
            "Rated low: project management affects CVM through timing and readiness rather "
            "than through customers, so poor collaboration mostly costs delays."
        ),
        "stages": ["discover", "buy"],
    },
    {
        "slug": "systems-engineering",
        "name": _("Systems engineering"),
        "purpose": _(
            "Acts as the technical counterpart of customers' own technical teams, and "
            "often runs customer training."
        ),
        "inputs": [
            _(
                "Supports demos, proofs of concept and pilots with its training, processes and tools."
            ),
            _("Trains customers, which drives adoption of the product."),
            _(
                "Together with customer success, helps customers use more features and buy more products."
            ),
        ],
        "outputs": [
            _("Accounts where technical adoption lags behind."),
            _("The features that lead accounts to expand."),
        ],
        "key_handshakes": [
            _("Customer training programmes"),
            _("Adoption signals from technical contacts"),
            _("Joint account plans with customer success"),
        ],
        "impact": "LOW",
        "impact_reason": _(
            "Rated low: it matters mainly for business customers and technical products; "
            "for most consumer CVM its effect is small."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "manufacturing",
        "name": _("Manufacturing"),
        "purpose": _("Produces and supplies physical products such as devices and equipment."),
        "inputs": [
            _(
                "Device availability decides whether upgrade and renewal offers can be delivered at all."
            ),
            _("Needs volume forecasts well in advance to keep up with orders."),
            _("Product quality and returns affect satisfaction with the whole service."),
        ],
        "outputs": [
            _("Device demand forecast from planned renewal and upgrade campaigns."),
            _("Return and fault patterns by segment."),
        ],
        "key_handshakes": [
            _("Volume forecasts for CVM campaigns"),
            _("Stock set aside for retention offers"),
            _("Handling faulty devices"),
        ],
        "impact": "LOW",
        "impact_reason": _(
            "Rated low: it only matters where physical products are involved, though then "
            "a stock shortage can stall a renewal campaign."
        ),
        "stages": ["buy", "use_and_fix"],
    },
]
