"""Small defects a new user saw: the favicon, the demo's links, the support chart's labels,
the staff list's width."""

import re
import xml.etree.ElementTree as ET

import pytest

from assess.presentation.charts import (
    TALLY_FONT,
    TALLY_LINES,
    bar_tally,
    tally_layout,
    tally_text_width,
    text_width,
)
from assess.questionnaire.registry import load_files
from assess.resources import STATIC_DIR, template_dir
from assess.web.middleware import SECURITY_HEADERS
from tests.helpers import ROOT, log_in, make_user, run, settings_for

SVG = "{http://www.w3.org/2000/svg}"
FAVICON = "/static/img/favicon.svg"


# --- the favicon -------------------------------------------------------------------------


def test_favicon_ico_answers_with_the_svg(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content == (STATIC_DIR / "img" / "favicon.svg").read_bytes()
    assert "max-age" in icon.headers["cache-control"]
    assert (
        icon.headers["content-security-policy"] == dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
    )
    assert client.request("HEAD", "/favicon.ico").status_code == 200


def test_the_favicon_is_a_plain_green_svg_the_csp_allows():
    text = (STATIC_DIR / "img" / "favicon.svg").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 32 32"
    # no script, no style (style-src 'self' forbids inline styles), nothing fetched from elsewhere
    assert not re.search(r"<script|<style|style=|href=|url\(|<image|<foreignObject", text)
    assert "#0a6e5a" in text  # the accent of site.css
    assert "--accent: #0a6e5a" in (STATIC_DIR / "css" / "site.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/", "/about", "/staff/login", "/r/saga-2019", "/no/such/page"])
def test_pages_link_the_favicon(client, round_, path):
    page = client.get(path)
    assert f'<link rel="icon" href="{FAVICON}" type="image/svg+xml">' in page.text
    icon = client.get(FAVICON)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_print_templates_fetch_no_favicon():
    """WeasyPrint may fetch only assess-static: files; the printed documents need no icon."""
    for path in (template_dir() / "print").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "favicon" not in text and 'rel="icon"' not in text, path
        assert '{% extends "base.html" %}' not in text, path


# --- the demo's links -------------------------------------------------------------------


def test_demo_prints_links_at_the_address_given(monkeypatch, tmp_path, new_database):
    settings = settings_for(new_database("demo"), tmp_path / "data")
    result = run(monkeypatch, settings, "demo", "--base-url", "http://192.0.2.10:8123/")
    assert result.exit_code == 0, result.output
    links = re.findall(r"https?://\S+", result.output)
    assert len(links) >= 5 and all(link.startswith("http://192.0.2.10:8123/") for link in links), links
    assert "//r/" not in result.output and ":8000" not in result.output


def test_demo_links_default_to_where_serve_listens(monkeypatch):
    from typer.testing import CliRunner

    from assess.cli.main import app as cli

    help_text = CliRunner().invoke(cli, ["demo", "--help"], env={"COLUMNS": "200"}).output
    assert "--base-url" in help_text and "http://127.0.0.1:8000" in help_text
    serve = CliRunner().invoke(cli, ["serve", "--help"], env={"COLUMNS": "200"}).output
    assert "127.0.0.1" in serve and "8000" in serve
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "assess demo [--base-url URL]" in readme


# --- the support chart's labels -----------------------------------------------------------


def _support_labels() -> list[list[str]]:
    registry, errors = load_files(sorted((ROOT / "questionnaires").glob("*.yaml")))
    assert not errors
    out = []
    for q in registry.all():
        question = q.roles["support.needed"]
        for locale in ("ja", "en"):
            out.append(
                [o.label.get(locale) for o in question.options] + ["その他" if locale == "ja" else "Other"]
            )
    return out


LONG = [
    ["地域の金融機関と連携した事業承継・後継者育成のための専門的な伴走支援と情報提供", "特に必要ない"],
    ["Succession planning and mentoring for the next generation of owners, with local banks", "None"],
    [
        "Succession planning, business transfer and mentoring for the next generation of owners together "
        "with local banks and chambers of commerce across the whole prefecture",
        "Supercalifragilisticexpialidociouslyunbreakablewordthatneverends",
    ],
]


def _rows(chart: str) -> list[tuple[float, str]]:
    root = ET.fromstring(str(chart))
    return [
        (float(t.get("y")), t.text or "") for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"
    ]


@pytest.mark.parametrize("labels", _support_labels() + LONG)
def test_every_tally_label_line_fits_its_column(labels):
    items = [(label, 10 - i) for i, label in enumerate(labels)]
    chart = bar_tally(items, "Support needed")
    root = ET.fromstring(str(chart))
    label_w, wrapped = tally_layout(labels)
    room = tally_text_width(label_w)
    texts = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert [t.text for t in texts] == [line for lines in wrapped for line in lines]
    for t in texts:
        assert float(t.get("x")) == label_w - 8
        assert float(t.get("font-size")) == TALLY_FONT
        assert text_width(t.text, TALLY_FONT) <= room  # and room < label_w - 8: nothing left of x = 0
    for label, lines in zip(labels, wrapped, strict=True):
        assert 1 <= len(lines) <= TALLY_LINES
        if not any(line.endswith("…") for line in lines):  # not cut: the lines are the whole label
            assert "".join(lines).replace(" ", "") == label.replace(" ", "")
        assert not any(line.startswith(("）", "、", "・", "。")) for line in lines[1:])
    # the bars start where the labels end, and every row stays inside the picture
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert len(bars) == len(labels) and all(float(b.get("x")) == label_w for b in bars)
    height = float(root.get("viewBox").split()[3])
    assert max(y for y, _ in _rows(chart)) + 4 <= height
    assert root.find(f"{SVG}title").text == "Support needed"
    assert all(label in root.find(f"{SVG}desc").text for label in labels)


def test_long_labels_wrap_and_their_rows_grow_apart():
    ja = "資金面の支援（補助金・融資・出資など）"
    chart = bar_tally([(ja, 3), ("人材の確保や育成の支援", 2), ("特に必要ない", 1)], "支援")
    rows = _rows(chart)
    assert [text for _, text in rows][:2] == ["資金面の支援（補助金・", "融資・出資など）"]
    ys = [y for y, _ in rows]
    assert all(b - a >= 14 for a, b in zip(ys, ys[1:], strict=False))  # no two lines on each other
    en = bar_tally([("Information on schemes, examples and technology", 1)], "Support")
    assert [text for _, text in _rows(en)] == ["Information on schemes,", "examples and technology"]


def test_short_tallies_keep_one_line_rows():
    chart = bar_tally([("Beginning", 2), ("Developing", 5), ("Leading", 1)], "Maturity levels")
    root = ET.fromstring(str(chart))
    assert root.get("viewBox") == "0 0 560 84"  # 6 + 3 rows of 24 + 6
    assert [text for _, text in _rows(chart)] == ["Beginning", "Developing", "Leading"]


def test_tally_labels_are_escaped():
    chart = str(bar_tally([('<script>alert("x")</script> & more', 1)], "t"))
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    ET.fromstring(chart)


def test_empty_tally():
    root = ET.fromstring(str(bar_tally([], "Support needed")))
    assert root.find(f"{SVG}desc") is None and root.get("viewBox") == "0 0 560 36"


# --- the staff list's width ---------------------------------------------------------------


def test_staff_list_scrolls_in_its_own_box(app, client):
    make_user(app)
    log_in(client)
    page = client.get("/staff/responses")
    assert page.status_code == 200
    assert re.search(r'<div class="table-wrap">\s*<table class="list">', page.text)
    css = (STATIC_DIR / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"\.table-wrap \{[^}]*overflow-x: auto", css)
    assert re.search(
        r"\.filters > div \{[^}]*max-width: 100%", css
    )  # a long round name cannot widen the page
