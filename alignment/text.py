"""What people type, made safe to store and show: the one cleaner of user text.

Every form of the app (alignment.forms.CleansUserText) and the workshop import
(alignment.services.transfer) pass each piece of text through `clean_user_text` before it is
validated or stored, so pages, exports and the PDF never carry:

- bidi controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates,
  U+200E/U+200F/U+061C marks): invisible, they make text read differently from
  what is stored ("evil\\u202etxt.exe"), in a page, a report or an audit entry;
- control characters (C0, DEL, C1): invisible or meaningless in a page, and some
  break the PDF's text layer or a terminal reading the logs.

They are removed rather than refused: they arrive invisibly, pasted from a chat,
a PDF or a word processor, and a refusal asking to remove what nobody can see
leaves the person stuck. What remains is exactly the text they saw. Line breaks
and tabs are kept in multi-line text (every kind of line break becomes "\\n");
in single-line text they become spaces. NUL is left alone: Django's form fields
refuse it, and nothing a person types contains one, so a NUL means a hostile or
broken client, which gets a refusal.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"

# Every line break a client may send: CRLF, CR, LF, VT, FF, NEL, LINE and PARAGRAPH SEPARATOR.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# C0 but NUL, tab and the line breaks above; DEL; C1 (NEL is a line break, above).
_INVISIBLE = re.compile(f"[\x01-\x08\x0e-\x1f\x7f-\x84\x86-\x9f{BIDI_CONTROLS}]")


def clean_user_text(value: str, *, multiline: bool) -> str:
    """`value` without bidi controls and control characters; line breaks kept
    (as "\\n") only when `multiline`."""
    value = _LINE_BREAKS.sub("\n" if multiline else " ", value)
    if not multiline:
        value = value.replace("\t", " ")
    return _INVISIBLE.sub("", value)
