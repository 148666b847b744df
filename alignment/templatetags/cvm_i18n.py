"""Show shipped reference texts in the reader's language.

The flavors, the handshake library and the KPI catalogue are stored in the
database (copied there by data migrations) in English, and their source modules
mark every text with `gettext_noop`, so the catalogue in `locale/` translates
them. `{{ value|translated }}` looks a stored text up in that catalogue: a text
still equal to the shipped English shows its translation, and anything else
(a text staff have rewritten, or the team's own words) shows as written.

Unlike `{% translate value %}`, the filter looks the text up exactly as it is:
the template tag doubles every percent sign first, so a shipped text such as
"% per month" would never find its translation.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# Django's own Italian catalogue capitalises month and weekday names, so dates
# read "Mercoledì 30 Settembre 2026"; Italian writes them in lower case. The
# project's catalogue (LOCALE_PATHS) takes precedence over Django's, so these
# ids, marked here for makemessages, carry the lower-case forms for every
# date format ("d F Y", "l d F Y H:i") on the pages and in the report.
DATE_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)


@register.filter
def translated(value):
    """The active language's translation of a stored text, or the text itself.

    A list (the inputs, outputs and key handshakes of a template) is translated
    item by item. Empty values pass through: gettext("") would return the
    catalogue's header.
    """
    if isinstance(value, str):
        return gettext(value) if value else value
    if isinstance(value, list | tuple):
        return [gettext(item) if isinstance(item, str) and item else item for item in value]
    return value
