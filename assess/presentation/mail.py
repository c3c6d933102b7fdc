"""E-mail text: filling a template's {placeholders}, the footer every message carries,
and the HTML twin of the plain text. Pure: values in, text out.

Templates are plain text that staff may edit, so they are filled by name only
(never evaluated): `{link}` becomes a value, `{{` and `}}` are literal braces, and
a name the message kind does not offer is refused when the template is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from assess.i18n import N_, gettext
from assess.vocab import MessageKind

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\w*)\}")
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)）」。、]")
MAX_SUBJECT, MAX_BODY = 200, 10_000

COMMON = ("company", "contact_name", "round", "organiser", "organiser_contact")
PLACEHOLDERS: dict[MessageKind, tuple[str, ...]] = {
    MessageKind.INVITATION: (*COMMON, "link", "closing_date"),
    MessageKind.REMINDER: (*COMMON, "link", "closing_date", "days_left"),
    MessageKind.RETURNED: (*COMMON, "link", "comment"),
    MessageKind.APPROVED: (*COMMON, "results_link", "report_link"),
    MessageKind.ACTION_DUE: (*COMMON, "action", "due_date", "actions_link"),
    MessageKind.DIGEST: ("staff_name", "count", "submissions", "staff_link"),
}

KIND_NAMES = {
    MessageKind.INVITATION: N_("Invitation"),
    MessageKind.REMINDER: N_("Reminder"),
    MessageKind.RETURNED: N_("Returned with comments"),
    MessageKind.APPROVED: N_("Approved"),
    MessageKind.ACTION_DUE: N_("Action due"),
    MessageKind.DIGEST: N_("Staff digest of new submissions"),
}

FROM_LINE = N_("This message is from {organiser}.")
CONTACT_LINE = N_("Questions: {contact}")
OPT_OUT_LINE = N_("To stop receiving e-mails about this programme, open: {link}")
STAFF_LINE = N_("You receive this digest as a member of staff; turn it off on the outbox page: {link}")


# What a preview fills in where a real message has a company's values.
SAMPLES = {
    "ja": {
        "company": "株式会社サンプル",
        "contact_name": "山田 花子",
        "comment": "（担当者のコメントがここに入ります）",
        "action": "（行動計画の項目名）",
        "due_date": "2026年3月31日",
    },
    "en": {
        "company": "Sample Co., Ltd.",
        "contact_name": "Hanako Yamada",
        "comment": "(the reviewer's comment goes here)",
        "action": "(the action's title)",
        "due_date": "31 March 2026",
    },
}


def sample_values(locale: str, base_url: str) -> dict[str, object]:
    base = base_url.rstrip("/")
    token = "…" if locale == "ja" else "..."
    return {
        **SAMPLES["ja" if locale == "ja" else "en"],
        "link": f"{base}/i/{token}",
        "results_link": f"{base}/s/{token}/results",
        "report_link": f"{base}/s/{token}/report.pdf",
        "actions_link": f"{base}/s/{token}/actions",
        "opt_out_link": f"{base}/optout/{token}",
        "days_left": 3,
    }


# What went wrong with a message, in words staff read in the outbox: stored as these
# (English) texts, with any detail after them in brackets, and shown translated.
NOT_WRITTEN = N_("The message could not be written.")
LOST_AFTER = N_(
    "The connection was lost after the whole message was handed over: it may have been delivered."
)
UNREACHABLE = N_("The mail server could not be reached; the message is tried again later.")
STOPPED_BEFORE = N_("The sender stopped before handing the message over; it is tried again.")
STOPPED_AFTER = N_("The sender stopped after handing the message over: it may have been delivered.")
OPTED_OUT = N_("The contact stopped the e-mails.")
PROBLEMS = (OPTED_OUT, NOT_WRITTEN, LOST_AFTER, UNREACHABLE, STOPPED_BEFORE, STOPPED_AFTER)


def problem_text(text: str, locale: str) -> str:
    """A stored problem in the reader's language (the detail after it stays as it was)."""
    for phrase in PROBLEMS:
        if text.startswith(phrase):
            return gettext(locale, phrase) + text[len(phrase) :]
    return text


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


def unknown_placeholders(text: str, kind: MessageKind) -> list[str]:
    """Names in `text` that this kind of message cannot fill ("" for a lone brace)."""
    allowed = PLACEHOLDERS[kind]
    found = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name is not None and name not in allowed and name not in found:
            found.append(name)
    stray = PLACEHOLDER.sub("", text)
    if ("{" in stray or "}" in stray) and "" not in found:
        found.append("")
    return found


def fill(text: str, values: Mapping[str, object]) -> str:
    """The template with each {name} replaced by its value (missing: empty)."""

    def value(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return str(values.get(match.group(1), ""))

    return PLACEHOLDER.sub(value, text)


def footer(locale: str, organiser: str, contact: str, opt_out: str, staff_link: str = "") -> list[str]:
    """The lines every message ends with: who sends it, whom to ask, how to stop them."""
    lines = []
    if organiser:
        lines.append(gettext(locale, FROM_LINE, organiser=organiser))
    if contact:
        lines.append(gettext(locale, CONTACT_LINE, contact=contact))
    if opt_out:
        lines.append(gettext(locale, OPT_OUT_LINE, link=opt_out))
    if staff_link:
        lines.append(gettext(locale, STAFF_LINE, link=staff_link))
    return lines


def compose(subject: str, body: str, values: Mapping[str, object], footer_lines: list[str]) -> Composed:
    """Subject, plain text and HTML of one message. The subject is one line."""
    title = " ".join(fill(subject, values).split())[:MAX_SUBJECT]
    text = fill(body, values).strip().replace("\r\n", "\n")
    if footer_lines:
        text = f"{text}\n\n--\n" + "\n".join(footer_lines)
    return Composed(title, text + "\n", to_html(title, text))


def to_html(title: str, text: str) -> str:
    """The plain text as simple HTML: paragraphs, line breaks, links; all text escaped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [_linked(line) for line in block.split("\n")]
        paragraphs.append(Markup("<p>{}</p>").format(Markup("<br>\n").join(lines)))
    return str(
        Markup(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{}</title></head>\n'
            '<body style="font-family: sans-serif; line-height: 1.6; max-width: 40em">\n{}\n</body></html>\n'
        ).format(title, Markup("\n").join(paragraphs))
    )


def _linked(line: str) -> Markup:
    parts, last = [], 0
    for match in URL.finditer(line):
        parts.append(escape(line[last : match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))
        last = match.end()
    parts.append(escape(line[last:]))
    return Markup("").join(parts)
