"""Interface text through Babel message catalogues (ja, en).

The set-up compiles `assess/locale/*/LC_MESSAGES/messages.po` to `.mo`; when a
compiled catalogue is missing or older than its source (a fresh checkout, an
edited catalogue) it is compiled in memory instead, so text never goes missing.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("ja", "en")
DEFAULT_LOCALE = "ja"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


# Names of statuses and review steps (label() in templates, exports).
LABELS = {
    "draft": N_("Draft"), "submitted": N_("Submitted"), "in_review": N_("In review"), "returned": N_("Returned"),
    "approved": N_("Approved"), "start_review": N_("Review started"), "return": N_("Returned to the company"),
    "approve": N_("Approved"), "reopen": N_("Review reopened"), "note": N_("Note"), "resubmit": N_("Resubmitted"),
    "motto": N_("Motto"), "story": N_("Ties with the community"), "initiatives": N_("Initiatives"),
    "challenges": N_("Challenges"), "support": N_("Support needed"),
    "open": N_("Open"), "closed": N_("Closed"), "invitation": N_("By invitation only"),
}


def normalize_locale(value: str | None, default: str = DEFAULT_LOCALE) -> str:
    if not value:
        return default
    value = value.strip().lower().replace("_", "-")
    for locale in LOCALES:
        if value == locale or value.startswith(locale + "-"):
            return locale
    return default


def catalogue_paths(locale: str) -> tuple[Path, Path]:
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


@lru_cache(maxsize=None)
def translations(locale: str) -> Translations:
    po, mo = catalogue_paths(locale)
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po.exists():
        return Translations()  # identity: English msgids
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(locale: str, message: str, **params) -> str:
    text = translations(normalize_locale(locale)).gettext(message)
    return text.format(**params) if params else text


def ngettext(locale: str, singular: str, plural: str, n: int, **params) -> str:
    text = translations(normalize_locale(locale)).ngettext(singular, plural, n)
    return text.format(n=n, **params)
