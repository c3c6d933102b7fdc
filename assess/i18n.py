"""Interface text through Babel message catalogues (ja, en).

The set-up compiles `assess/locale/*/LC_MESSAGES/messages.po` to `.mo`; when a
compiled catalogue is missing or older than its source (a fresh checkout, an
edited catalogue) it is compiled in memory instead, so text never goes missing.
"""

from __future__ import annotations

import io
from functools import cache
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


@cache
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


def gettext(locale: str, message: str, **params: object) -> str:
    text = translations(normalize_locale(locale)).gettext(message)
    return text.format(**params) if params else text


def ngettext(locale: str, singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(normalize_locale(locale)).ngettext(singular, plural, n)
    return text.format(n=n, **params)
