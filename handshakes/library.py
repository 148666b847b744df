"""The shipped handshake library: every text in one place.

One entry per functional area: its slug and name, and the content of its first
published version. The data migration `0002_shipped_library` holds a frozen copy
of this data (so later edits here never rewrite history); a later edition of the
library reaches existing databases as new versions, through the admin or
`import_handshakes`. Translations can be added beside this module.

Impact levels: the twelve areas described in CVMBoK keep the level given there
(Technology has none there; see its sentence). For the areas taken from the
product-management and customer-support sources, the sentence says why the level
was chosen.

Stages are the customer journey stages: discover, buy, use_and_fix,
customers_for_life.
"""

from __future__ import annotations

LIBRARY: list[dict] = [
    {
        "slug": "general-management",
        "name": "General management",
        "purpose": (
            "Chooses the company's direction, decides where money and people go, and "
            "holds every function to the results that follow from those choices."
        ),
        "inputs": [
            "Sets the strategy, the business objectives and the major initiatives that CVM is expected to serve.",
            "Delegates the CVM KPIs, usually revenue of the base, retention and customer experience, and fixes their targets.",
            "Allocates budget, people and tools to CVM and settles conflicts when CVM competes with other functions for them.",
            "Knows first about mergers, new owners, new competitors or regulation that can overturn CVM's priorities overnight.",
        ],
        "outputs": [
            "A regular picture of the customer base: size, churn, revenue and margin per user and lifetime value, by segment.",
            "Evidence for strategic choices, such as which personas are growing in value and which are drifting away.",
            "A measured contribution of CVM to revenue (industry benchmarks put it at 2-3% of the total), so investment follows results.",
        ],
        "key_handshakes": [
            "Company direction and the strategic bets CVM serves this quarter",
            "The CVM KPIs, their targets and the owner of each",
            "The strategic CVM initiatives and their order of priority",
            "The budget, people and systems CVM can count on",
            "A standing forum where CVM insight reaches leadership decisions",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Without a shared direction CVM optimises for the wrong priorities, and no "
            "amount of campaign skill makes up for that."
        ),
        "stages": ["discover", "buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "product-management",
        "name": "Product management",
        "purpose": (
            "Discovers what each persona needs and makes sure the product's value "
            "proposition actually meets those needs."
        ),
        "inputs": [
            "Defines the core value proposition and what it is like to use it; CVM can only work within what the product does for the persona.",
            "Is the source of much of CVM's data: usage and purchase history, product attributes, availability, cost and technical details.",
            "Builds products that are easy or hard to personalise, which widens or narrows everything CVM can offer.",
            "Can trigger complaints and churn: an old product withdrawn for a new one, features that fall behind competitors, a clumsy user experience.",
            "Shares customer-facing work with CVM: who onboards customers and teaches them the features, and who upsells and cross-sells products and add-ons.",
        ],
        "outputs": [
            "Evidence of product-segment fit in adoption, usage, retention and revenue KPIs.",
            "A view of which features the current base really uses, and how well they serve it.",
            "The locations, channels and customer groups where a product beats its average, with suggestions for improving features elsewhere.",
        ],
        "key_handshakes": [
            "What product data is collected and how CVM receives it",
            "Adapting product features to customer segments",
            "Products ready for segment targeting and personalised offers",
            "Feature bundles designed together around segment needs",
            "A joint channel strategy for product visibility and engagement",
            "Who owns onboarding and feature education",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "When product and CVM pull in different directions the core CVM KPIs fall "
            "sharply: no offer keeps a customer on a product that does not fit them."
        ),
        "stages": ["discover", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "pricing",
        "name": "Pricing",
        "purpose": (
            "Designs the price architecture: how products, plans, options and "
            "promotions are priced, and for whom."
        ),
        "inputs": [
            "Balances winning new customers against keeping existing ones; new-customer prices that beat what loyal customers pay erode the base.",
            "Sets the price points CVM needs for trials, retention offers and each upsell step.",
            "Shapes the bill the customer receives; unexpected charges and bill shock are a frequent reason to leave.",
            "Decides how flexible offers can be, and so how far CVM can personalise them.",
        ],
        "outputs": [
            "Measured price elasticity: how each segment reacts to price changes and offers.",
            "Evidence of where discounts keep customers and where they only give margin away.",
            "Early warning of bill-shock patterns and price-driven churn.",
        ],
        "key_handshakes": [
            "Pricing flexible enough for personalised offers",
            "Discount limits that protect profitability",
            "Price points for trials, retention and upsell",
            "Sharing price elasticity findings",
            "Preventing bill shock",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Price is among the strongest reasons customers stay, upgrade or leave, so a "
            "price architecture designed without CVM works against retention and upsell."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "customer-acquisition",
        "name": "Customer acquisition",
        "purpose": (
            "Wins new customers through the channels, offers and partners the company uses to grow."
        ),
        "inputs": [
            "Decides who joins the base: wrong-fit or fraudulent customers turn into CVM's churn and bad debt a few months later.",
            "Can cannibalise the base when offers for newcomers are better than anything existing customers get.",
            "Sets expectations at the point of sale; promising too much comes back as complaints and early churn.",
            "Passes on the first data about each customer, which CVM needs for onboarding.",
        ],
        "outputs": [
            "The quality of acquired customers by channel, location, offer and partner: early churn, usage, revenue and payment behaviour.",
            "Signals that acquisition offers are prompting existing customers to ask for the same deal.",
            "Profiles of newcomers who grow in value, so acquisition can look for more of them.",
        ],
        "key_handshakes": [
            "A shared definition of a good-fit customer",
            "Feedback on acquired-customer quality by channel and location",
            "Rules that stop newcomer offers from cannibalising the base",
            "Honest promises at the point of sale",
            "The handover from acquisition to onboarding",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Acquisition decides which customers CVM has to work with; poor-fit customers "
            "and offers that undercut the base cost more than any campaign can win back."
        ),
        "stages": ["discover", "buy"],
    },
    {
        "slug": "inbound-assisted",
        "name": "Inbound channels, assisted",
        "purpose": (
            "Serves customers who come to the company and speak to a person: shops, "
            "dealers and the call centre."
        ),
        "inputs": [
            "Hosts many of the key Moments of Truth: the complaint, the cancellation request, the renewal, the question about a bigger plan.",
            "Decides whether a CVM offer is presented at all, and how well, while the customer is talking to an agent.",
            "Hears why customers call and what they say, a rich source of insight for CVM.",
            "Can hurt retention through long waits, inconsistent answers or agents paid only for new sales.",
        ],
        "outputs": [
            "Next-best-offer and next-best-action suggestions, with their reasons, for the customer the agent is serving.",
            "Retention offers and save routines for customers who ask to leave.",
            "Results by offer and agent: what was presented, what was accepted, which conversations ended in churn.",
        ],
        "key_handshakes": [
            "Next-best offers inside the agents' tools",
            "Save rules for cancellation requests",
            "Agent incentives that reward keeping and growing customers",
            "Recording contact reasons and outcomes for CVM",
            "Offers consistent with the self-service channels",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Many decisive conversations happen with an agent, so CVM results depend on "
            "what shops and call centres actually say and offer."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "inbound-unassisted",
        "name": "Inbound channels, unassisted",
        "purpose": (
            "Serves customers who help themselves: website, app, chatbot, USSD and "
            "other self-service menus."
        ),
        "inputs": [
            "Is where many customers check their usage, pay, change plans and look for help, often at a Moment of Truth.",
            "Decides whether personalised offers can appear in the app or on the web, and how quickly they can be changed.",
            "Produces behavioural data (visits, searches, abandoned journeys) that signals an intent to buy or to leave.",
            "Friction here pushes customers to expensive assisted channels, or out of the company.",
        ],
        "outputs": [
            "Personalised content and offers for each customer's self-service session.",
            "The journeys where customers give up or call straight afterwards, so they can be fixed.",
            "Conversion of app and web offers, per segment.",
        ],
        "key_handshakes": [
            "Places for personalised offers in the app and on the web",
            "Sharing behavioural and intent data",
            "Self-service journeys for upgrades, renewals and add-ons",
            "Fixing the drop-off points CVM finds",
            "Offers consistent with the assisted channels",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Self-service is where most customers meet the company from day to day, so "
            "that is where CVM reaches them or misses them."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "outbound-assisted",
        "name": "Outbound channels, assisted",
        "purpose": "Contacts customers through people: telesales, retention calls and field sales.",
        "inputs": [
            "Carries the CVM campaigns that need a conversation, such as renewals before a contract ends and complex upgrades.",
            "Has limited capacity: the number of calls that can be made caps how many customers a campaign reaches.",
            "Scripts and call quality decide whether an offer lands or irritates.",
            "Records the outcome of each contact, which CVM needs to learn from.",
        ],
        "outputs": [
            "Call lists in priority order: the customers with the most value at stake or the best chance of saying yes.",
            "For each customer, the offer, the reason to call and the points to make.",
            "Campaign results measured against control groups, and targeting tuned accordingly.",
        ],
        "key_handshakes": [
            "Call lists ranked by value at stake",
            "Capacity planned for CVM campaigns",
            "Scripts and offers for each campaign",
            "Contact outcomes recorded for learning",
            "Contact rules that respect customer preferences",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "A well-timed call renews a contract that would otherwise lapse, while badly "
            "targeted calls waste scarce capacity and annoy customers."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "outbound-unassisted",
        "name": "Outbound channels, unassisted",
        "purpose": (
            "Sends messages without an agent: email, SMS, push notifications, in-app "
            "messages and social media."
        ),
        "inputs": [
            "Is often run by the CVM team itself and is the cheapest way to reach the whole base.",
            "Sets the technical limits: delivery, timing, personalisation and how fast a message can follow an event.",
            "Too many or irrelevant messages cause opt-outs, which close the channel for good.",
            "Returns delivery and response data that CVM learns from.",
        ],
        "outputs": [
            "Targeted, event-triggered messages instead of mass broadcasts.",
            "Coordinated contact pressure, so one customer is not flooded by several teams at once.",
            "Incremental response measured against control groups.",
        ],
        "key_handshakes": [
            "One contact calendar and a cap on messages per customer",
            "Triggers from real-time events",
            "Handling consent and opt-outs",
            "Content and brand rules for CVM messages",
            "Response tracking with control groups",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "This is CVM's widest reach: careless use burns consent across the base, "
            "careful use drives upsell and retention at low cost."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "customer-experience",
        "name": "Customer experience",
        "purpose": (
            "Designs and looks after the experience customers have with the company "
            "from end to end, across products and channels."
        ),
        "inputs": [
            "Keeps journeys easy and consistent; a rough journey causes complaints and churn that no offer can repair.",
            "Owns the voice of the customer: complaints, surveys, NPS and satisfaction scores.",
            "Decides which journey fixes come first.",
        ],
        "outputs": [
            "Experience scores linked to behaviour: which bad experiences lead to churn, and what they cost.",
            "The Moments of Truth worth fixing first, ranked by the business at stake.",
            "Checks that CVM's own offers and messages do not spoil the experience.",
        ],
        "key_handshakes": [
            "A shared list of Moments of Truth and who fixes each",
            "NPS and CSAT joined with customer value data",
            "Complaint insight feeding CVM targeting",
            "A consistent experience across products and channels",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Customers judge the whole experience; friction in any journey undermines "
            "retention however good the offer is."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "technology",
        "name": "Technology",
        "purpose": (
            "Builds and runs the systems that hold customer data and deliver "
            "analytics, communication and offers."
        ),
        "inputs": [
            "Provides the customer data and its quality; without timely, joined-up data CVM targets in the dark.",
            "Supplies the analytics and modelling tools behind segmentation, churn and propensity models.",
            "Connects campaigns to channels and makes sure accepted offers are fulfilled and billed correctly.",
            "Separate back-ends per product make consolidated offers slow and costly to build.",
        ],
        "outputs": [
            "Data and integration needs, ranked by business value.",
            "The offer and eligibility rules that systems must apply.",
            "Failed fulfilments and data gaps found while running campaigns.",
        ],
        "key_handshakes": [
            "Availability, quality and freshness of customer data",
            "The roadmap for analytics and campaign tools",
            "Offer fulfilment and billing integration",
            "Release windows for CVM changes",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Rated high because every CVM activity runs on the data, analytics, channels "
            "and fulfilment that technology provides; when they fail, CVM stops."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "security",
        "name": "Security",
        "purpose": "Protects the company's information and systems against misuse, loss and attack.",
        "inputs": [
            "Controls who may see and use customer data; a consolidated customer view is an attractive target for leaks.",
            "Sets the access rules, audits and approvals that decide how quickly CVM gets data and tools.",
            "Reviews the vendors and tools CVM wants to use.",
        ],
        "outputs": [
            "A clear record of which customer data CVM holds, where, and why.",
            "Least-privilege access in CVM teams and tools, and cooperation in audits.",
            "Reports of unusual data use and of vendor risk.",
        ],
        "key_handshakes": [
            "Access control for consolidated customer data",
            "Regular audits of CVM data and tools",
            "Security review of new tools and vendors",
            "Incident response involving customer data",
        ],
        "impact": "MEDIUM",
        "impact_reason": (
            "A leak of consolidated customer data would badly damage trust, yet day-to-day "
            "CVM results depend less on security than on the commercial functions."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "regulatory-compliance",
        "name": "Regulatory and compliance",
        "purpose": "Keeps the company within the law and the regulators' rules, and away from penalties.",
        "inputs": [
            "Interprets privacy law such as GDPR: consent, purpose and how long customer data may be kept.",
            "Sets the rules for marketing communication: channels, hours, frequency and opt-outs.",
            "Governs profiling and automated decisions made with AI and machine-learning models.",
            "Approves pricing and promotion mechanics, such as price rises and loyalty rewards.",
        ],
        "outputs": [
            "Early sight of planned campaigns, models and offers, so they can be checked in time.",
            "Records of consent and of how customers were selected for each campaign.",
            "Complaints and incidents that could draw a regulator's attention.",
        ],
        "key_handshakes": [
            "Consent and privacy rules for customer data",
            "Rules for marketing communication",
            "Profiling and automated decision-making",
            "Approval of pricing and promotion mechanics",
        ],
        "impact": "MEDIUM",
        "impact_reason": (
            "Ignoring the rules brings penalties and halted campaigns, but once the rules "
            "are agreed early they seldom limit CVM results."
        ),
        "stages": ["buy", "use_and_fix", "customers_for_life"],
    },
    {
        "slug": "marketing",
        "name": "Marketing",
        "purpose": (
            "Translates the product vision into the value customers are looking for, "
            "builds the brand and creates demand."
        ),
        "inputs": [
            "Positions products and sets expectations before customers buy, through the website, social media, events and launches.",
            "Prepares sales and partner channels for each launch (sales enablement).",
            "Runs brand campaigns that compete with CVM messages for the same customers' attention.",
            "Runs loyalty programmes such as customer events, webinars, communities, advisory councils and awards, often tracked through NPS.",
        ],
        "outputs": [
            "Which segments and personas respond, grow and stay, to sharpen positioning and targeting.",
            "Replacement and upgrade programmes for existing customers, and customer wins worth telling.",
            "Coordinated contact, so brand and CVM messages reach the customer as one voice.",
        ],
        "key_handshakes": [
            "Positioning and expectations for each persona",
            "A joint contact calendar for the existing base",
            "Replacement and upgrade programmes",
            "Loyalty and community programmes",
            "Stories of customer wins and win-backs",
        ],
        "impact": "MEDIUM",
        "impact_reason": (
            "Rated medium: marketing shapes expectations and shares customers' attention "
            "with CVM, but seldom decides on its own whether a customer stays."
        ),
        "stages": ["discover", "buy", "customers_for_life"],
    },
    {
        "slug": "sales",
        "name": "Sales",
        "purpose": (
            "Turns qualified prospects into customers and grows accounts, directly or "
            "through partners."
        ),
        "inputs": [
            "Brings in customers who fit, or who do not: volume-only incentives fill the base with customers who leave early.",
            "Prepares contracts, sales incentives and the routes to market through channels.",
            "In many B2B set-ups owns the renewal and growth conversations with strategic accounts.",
            "Drives the time to close and the time to revenue.",
        ],
        "outputs": [
            "Accounts with upsell and cross-sell potential, and the reason for each.",
            "Customers at risk, flagged well before renewal.",
            "Which deals grew in value after the sale, and which did not.",
        ],
        "key_handshakes": [
            "Who owns renewals and upsell in each segment",
            "Incentives that reward customer value, not volume alone",
            "The strategic account list and its priorities",
            "Sharing risk signals before renewal",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Rated high: wherever people sell, renewals and upsell pass through sales, so "
            "incentives and account ownership decide much of CVM's revenue."
        ),
        "stages": ["discover", "buy", "customers_for_life"],
    },
    {
        "slug": "customer-support",
        "name": "Customer support",
        "purpose": (
            "Helps customers use the product and solves their problems within agreed "
            "service levels."
        ),
        "inputs": [
            "Runs the feedback loops: what customers struggle with and ask for reaches product and CVM through support.",
            "Solves problems fast or slowly; the time to fix weighs heavily on whether a customer stays.",
            "Notices upsell and cross-sell opportunities during support contacts.",
            "Manages service levels, help-desk response times, the user community and customer training.",
        ],
        "outputs": [
            "High-value and at-risk customers flagged, so support can put them first.",
            "Offers that suit a support conversation, without pushing a sale on an unhappy customer.",
            "Support contacts linked to churn and lifetime value.",
        ],
        "key_handshakes": [
            "Priority handling for high-value and at-risk customers",
            "Feedback and feature requests reaching the backlog",
            "When a support contact may carry an offer",
            "Time to fix and service levels as shared KPIs",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Rated high: support cuts churn and raises lifetime value directly, and it is "
            "where unhappy customers decide whether to stay."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "customer-success",
        "name": "Customer success",
        "purpose": (
            "Makes sure customers get the value they bought, driving adoption over a "
            "long relationship, above all in subscription services."
        ),
        "inputs": [
            "Tracks progress toward the value promised at the sale and notices a lack of progress before the customer is lost.",
            "Often has the closest relationship with the customer of any team.",
            "Feeds requests for new features and tests roadmap ideas with customers.",
        ],
        "outputs": [
            "Usage and health signals for each account, with benchmarks.",
            "Accounts that are ready to buy more.",
            "The adoption actions that raise lifetime value the most.",
        ],
        "key_handshakes": [
            "A shared customer health score",
            "Adoption goals for each segment",
            "Handing growth opportunities to sales and CVM",
            "Joint input to the roadmap",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Rated high: adoption is what turns a sale into lifetime value, and customer "
            "success is the team that drives it."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "finance-operations",
        "name": "Finance and operations",
        "purpose": (
            "Follows the money: order processing, billing, collections, revenue "
            "recognition and financial reporting."
        ),
        "inputs": [
            "Links order processing to provisioning and billing; mistakes here become wrong invoices, and wrong invoices become churn.",
            "Decides how revenue, bookings, commissions and costs are counted, including the margin behind AMPU and CLV.",
            "Handles late payments, returns, replacements and upgrades.",
            "Approves CVM budgets and judges their return.",
        ],
        "outputs": [
            "A business case for each CVM initiative, with its incremental revenue measured.",
            "Cost to serve and collection problems by segment.",
            "Billing errors that trigger complaints, caught early.",
        ],
        "key_handshakes": [
            "How incremental CVM revenue is measured",
            "Margin and cost-to-serve data for CLV",
            "Billing accuracy and handling of payment problems",
            "The CVM budget and its business cases",
        ],
        "impact": "MEDIUM",
        "impact_reason": (
            "Rated medium: finance rarely meets customers, but wrong invoices and disputed "
            "numbers undermine both customer trust and CVM's budget."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "legal",
        "name": "Legal",
        "purpose": (
            "Protects the company in contracts, intellectual property and disputes at "
            "every stage of the customer journey."
        ),
        "inputs": [
            "Writes the customer contracts, licence and subscription terms that limit what an offer may change.",
            "Protects intellectual property, trademarks and product names.",
            "Prepares negotiation positions on service levels, warranties and liability.",
        ],
        "outputs": [
            "Offer mechanics and contract changes brought early, not in the week before launch.",
            "Terms that customers complain about or that block renewals.",
        ],
        "key_handshakes": [
            "Standard terms for retention and upsell offers",
            "Contract changes at renewal",
            "Review lead time for new offers",
        ],
        "impact": "LOW",
        "impact_reason": (
            "Rated low: legal seldom moves CVM results directly; late involvement mostly "
            "delays offers, which early agreement avoids."
        ),
        "stages": ["discover", "buy"],
    },
    {
        "slug": "engineering-qa",
        "name": "Engineering and QA",
        "purpose": (
            "Builds the product and makes sure it works: quality, availability, data "
            "protection and recovery."
        ),
        "inputs": [
            "Delivers the product's quality and reliability; defects and outages turn into complaints and churn.",
            "Supports demos, proofs of concept and minimum viable products early in the journey.",
            "Prioritises fixes through the support escalation process.",
            "Plans for a supplier failing and for disaster recovery.",
        ],
        "outputs": [
            "Defects ranked by the value of the customers they affect.",
            "The issues that drive complaints and churn, with evidence.",
        ],
        "key_handshakes": [
            "The escalation process and fix priorities",
            "Quality signals shared with CVM",
            "Release plans that affect customers",
        ],
        "impact": "MEDIUM",
        "impact_reason": (
            "Rated medium: quality problems do drive churn, but the link is indirect and "
            "mostly runs through support escalations."
        ),
        "stages": ["discover", "use_and_fix"],
    },
    {
        "slug": "network-cloud-operations",
        "name": "Network and cloud operations",
        "purpose": (
            "Runs the network and cloud services customers rely on, against agreed "
            "uptime and performance."
        ),
        "inputs": [
            "Network quality and outages are among the main reasons telecom customers leave.",
            "Publishes uptime, reports outages and decides how to tell customers about them.",
            "Speeds up or slows down onboarding, upgrades and migrations.",
            "Tracks customer and transaction volumes and, with engineering, manages gross margin.",
        ],
        "outputs": [
            "Customers hit by repeated poor quality, for proactive contact or compensation.",
            "Network investment priorities informed by customer value.",
            "Usage growth by segment, to plan capacity.",
        ],
        "key_handshakes": [
            "Outage notices and compensation for affected customers",
            "Service quality data at customer level",
            "Network investment priorities by customer value",
            "Performance results marketing can promote",
        ],
        "impact": "HIGH",
        "impact_reason": (
            "Rated high for telecom: the network experience is a leading reason to stay or "
            "leave, and CVM can soften an outage only if it hears about it in time."
        ),
        "stages": ["use_and_fix", "customers_for_life"],
    },
    {
        "slug": "project-management",
        "name": "Project management",
        "purpose": (
            "Coordinates releases across teams: documentation, roadmaps, product codes "
            "(SKUs), order handling and price exceptions."
        ),
        "inputs": [
            "Makes sure a new offer arrives with its product codes, order handling and pricing documentation.",
            "Spots gaps between teams before they grow into escalations.",
            "Schedules the releases that CVM campaigns depend on.",
        ],
        "outputs": [
            "CVM requirements and dates, known early.",
            "Problems found in campaigns that need a fix across teams.",
        ],
        "key_handshakes": [
            "A release calendar that includes CVM offers",
            "Readiness checks before an offer launches",
            "Handling price exceptions",
        ],
        "impact": "LOW",
        "impact_reason": (
            "Rated low: project management affects CVM through timing and readiness rather "
            "than through customers, so poor collaboration mostly costs delays."
        ),
        "stages": ["discover", "buy"],
    },
    {
        "slug": "systems-engineering",
        "name": "Systems engineering",
        "purpose": (
            "Acts as the technical counterpart of customers' own technical teams, and "
            "often runs customer training."
        ),
        "inputs": [
            "Supports demos, proofs of concept and pilots with its training, processes and tools.",
            "Trains customers, which drives adoption of the product.",
            "Together with customer success, helps customers use more features and buy more products.",
        ],
        "outputs": [
            "Accounts where technical adoption lags behind.",
            "The features that lead accounts to expand.",
        ],
        "key_handshakes": [
            "Customer training programmes",
            "Adoption signals from technical contacts",
            "Joint account plans with customer success",
        ],
        "impact": "LOW",
        "impact_reason": (
            "Rated low: it matters mainly for business customers and technical products; "
            "for most consumer CVM its effect is small."
        ),
        "stages": ["buy", "customers_for_life"],
    },
    {
        "slug": "manufacturing",
        "name": "Manufacturing",
        "purpose": "Produces and supplies physical products such as devices and equipment.",
        "inputs": [
            "Device availability decides whether upgrade and renewal offers can be delivered at all.",
            "Needs volume forecasts well in advance to keep up with orders.",
            "Product quality and returns affect satisfaction with the whole service.",
        ],
        "outputs": [
            "Device demand forecast from planned renewal and upgrade campaigns.",
            "Return and fault patterns by segment.",
        ],
        "key_handshakes": [
            "Volume forecasts for CVM campaigns",
            "Stock set aside for retention offers",
            "Handling faulty devices",
        ],
        "impact": "LOW",
        "impact_reason": (
            "Rated low: it only matters where physical products are involved, though then "
            "a stock shortage can stall a renewal campaign."
        ),
        "stages": ["buy", "use_and_fix"],
    },
]
