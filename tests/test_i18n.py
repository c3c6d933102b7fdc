"""Every interface message exists in the catalogues and has Japanese text."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from assess.i18n import gettext, normalize_locale

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("assess/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords={"_": None, "N_": None, "gettext": None}, options_map=OPTIONS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(locale: str):
    with (ROOT / "assess" / "locale" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=locale)


def test_every_message_is_in_the_japanese_catalogue_with_a_translation():
    ja = catalogue("ja")
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in ja
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(source_messages() - translated)
    assert not missing, f"run scripts/i18n.py update and translate: {missing}"


def test_every_message_is_in_the_english_catalogue():
    en = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue("en") if m.id}
    assert not sorted(source_messages() - en)


def test_placeholders_survive_translation():
    import re

    for message in catalogue("ja"):
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        for text in message.string if isinstance(message.string, tuple) else [message.string]:
            if source and text:
                assert set(re.findall(r"{\w+}", source)) == set(re.findall(r"{\w+}", text)), source


def test_gettext_and_locale_names():
    assert gettext("ja", "Language") == "言語"
    assert gettext("en", "Language") == "Language"
    assert (
        normalize_locale("en-GB") == "en"
        and normalize_locale("ja_JP") == "ja"
        and normalize_locale("de") == "ja"
    )


def test_catalogues_compile_without_errors():
    # `pybabel compile` (run by the set-up) refuses catalogues with these errors.
    for locale in ("ja", "en"):
        problems = [(message.id, errors) for message, errors in catalogue(locale).check() if errors]
        assert problems == [], problems


def test_python_code_marks_its_messages_for_the_catalogue():
    """gettext(locale, "text") hides "text" from extraction (its first argument is the locale):
    Python code passes N_("text") instead, and plural forms live in templates."""
    import ast

    hidden = []
    for path in (ROOT / "assess").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("gettext", "ngettext")):
                continue
            if any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[1:]):
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hidden, f"messages the catalogue cannot see: {hidden}"
