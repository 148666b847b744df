"""The words of telecom and subscription businesses, in English and Italian, by concept.

Brainstorm answers that mean the same thing rarely share a word ("one bill for
the household", "a single invoice", "una sola bolletta"), and never across the
two languages; a concept shared by two answers is what lets `grouping` see them
as close. Each concept lists the English words, then the Italian ones; a word
ending in `*` matches every word that starts with it. Words are matched
lowercase and without accents, on any answer whatever its language, since
people mix the two.

The stop words are the words too common to tell two answers apart.

The concepts are the method's maintenance cost: a topic it does not know is grouped
only by the words its answers happen to share. Grow it from real rooms, with
general words of the trade rather than one room's phrases.
"""

from __future__ import annotations

CONCEPTS: dict[str, tuple[str, str]] = {
    "bill": (
        "bill* invoic* statement* payment* receipt* direct-debit",
        "bollett* fattur* addebit* pagament* domiciliaz* ricevut*",
    ),
    "price": (
        "price* pricing cost* cheap* expensive fee* charg* tariff* spend* pay paying "
        "discount* saving* save afford* monthly",
        "prezz* costo costi canone economic* spes* paga* scont* risparm* mensil*",
    ),
    "hidden_cost": (
        "hidden surpris* shock unexpected transparen* small-print",
        "nascost* sorpres* imprevist* rimodulaz* trasparen* clausol*",
    ),
    "signal": (
        "signal* coverage bars reception dead-zone",
        "segnal* copertur* prende campo",
    ),
    "indoor": (
        "indoor* inside basement building* flat apartment* cellar",
        "edifici* chiuso dentro interno appartament* cantina",
    ),
    "rural": (
        "rural* countryside village* mountain* remote",
        "campagna montagn* borgh* paesi paesin* frazion*",
    ),
    "speed": (
        "speed* fast faster gigabit mbps bandwidth upload download slow lag*",
        "veloc* banda mega lent* rallent*",
    ),
    "stability": (
        "wifi router modem drop* outage* disconnect* stable reliab* reboot* downtime",
        "disconnes* stabil* affidabil* cade cadut* guast* interruz*",
    ),
    "fixed_line": (
        "broadband fibre fiber ftth fttc adsl vdsl landline copper",
        "fibra fisso linea rame",
    ),
    "mobile_network": (
        "5g 4g lte antenn* mast* tower* radio",
        "ripetitor* tralicc*",
    ),
    "support": (
        "support* care agent* operator* helpline callcenter call-center complaint*",
        "assistenz* supporto reclam*",
    ),
    "human": (
        "human* person* real",
        "umano umana persona qualcuno",
    ),
    "bot": (
        "chatbot* bot virtual* automat* artificial* genai",
        "virtuale automatizz* intelligenza",
    ),
    "lock_in": (
        "contract* lock* commitment penalt* cancel* termination minimum-term",
        "vincol* contratt* penal* recesso durata disdett*",
    ),
    "loyalty": (
        "loyal* reward* perks tenure valued points",
        "fedelt* premi* vantagg* punti",
    ),
    "install": (
        "install* activat* technician* engineer* appointment* setup",
        "attivaz* tecnic* installaz* appuntament*",
    ),
    "digital": (
        "app apps online digital* self portal web",
        "digitale",
    ),
    "security": (
        "scam* spam* fraud* phishing secur* privacy protect*",
        "truff* frod* telemarketing sicur* protez*",
    ),
    "energy": (
        "energy electricity power gas solar kwh utilit*",
        "luce energ* elettric* fotovolt*",
    ),
    "kids": (
        "kid* child* children parental teen*",
        "figli* bambin* ragazz* minori",
    ),
    "household": (
        "household* famil* home",
        "casa",
    ),
    "abroad": (
        "roaming abroad travel* holiday* international intl",
        "estero viagg* vacanz*",
    ),
    "mvno": (
        "mvno* lowcost low-cost budget iliad lyca lebara giffgaff kena",
        "",
    ),
    "satellite": (
        "satellit* starlink dish eutelsat",
        "parabol*",
    ),
    "fwa": (
        "fwa wireless",
        "",
    ),
    "messaging": (
        "whatsapp telegram facetime teams skype voip messenger zoom",
        "videochiamat*",
    ),
    "tv": (
        "netflix dazn disney* prime sky streaming tv decoder set-top settop iptv stick "
        "film football",
        "serie partit* calcio",
    ),
    "piracy": (
        "pirat* illegal* dodgy crack*",
        "pezzotto",
    ),
    "hotspot": (
        "hotspot tethering",
        "",
    ),
    "switching": (
        "compar* switch* uswitch porting",
        "cambi* portabilit*",
    ),
    "churn": (
        "churn retention retain* leave leaver* leaving winback win-back",
        "abbandon* tratten*",
    ),
    "bundle": (
        "bundl* convergen* quad triple cross-sell crosssell inclus*",
        "pacchett*",
    ),
    "simple": (
        "simpl* fewer portfolio",
        "sempl* listino",
    ),
    "sim": (
        "esim sim onboarding",
        "spid",
    ),
    "business": (
        "sme smes business* professional* freelanc*",
        "pmi impres* aziend* professionist*",
    ),
    "green": (
        "green sustainab* carbon emission* renewab* climate",
        "sostenib* rinnovab*",
    ),
    "device": (
        "smartphone* handset* device* upgrade*",
        "dispositiv* telefonin*",
    ),
    "top_up": (
        "top-up topup prepaid credit",
        "ricaric* prepagat* credito",
    ),
    "store": (
        "store* shop* retail",
        "negozi*",
    ),
}

# Written without accents, as the words they are compared with are.
STOP_WORDS: dict[str, str] = {
    "en": """
    a an the and or of to in on for with without from by at is are was be been being it its
    this that these those i we you they he she me my our your their them us do does did doing
    done not no so too very just only all any some more most less much many can could should
    would will shall may might must have has had having get gets got as if than then there here
    what which who whom when where why how about after before over under again into out up
    down off per via vs pls please like also even still don doesn dont doesnt isn isnt won s t
    """,
    "it": """
    il lo la i gli le un uno una di da con su tra fra e ed o od ma se che chi cui non piu meno
    del dello della dei degli delle al allo alla ai agli alle dal dallo dalla dai dagli dalle
    nel nello nella nei negli nelle sul sullo sulla sui sugli sulle mi ti si ci vi ne sono
    essere ha hanno ho hai abbiamo avere fa fare come anche solo gia sempre mai tutto tutti
    tutta tutte ogni questo questa questi queste quello quella quelli quelle mio mia miei mie
    nostro nostra nostri nostre loro suo sua suoi sue c l po tipo senza molto troppo
    """,
}
