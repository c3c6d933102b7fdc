"""The results page in headless Chromium, on the latest questionnaire: goal tiles never
clip a label, the page stays short with its details closed, and a response opens in
its own language. Screenshots go to test-output/ (look at them)."""

from pathlib import Path

import pytest
import yaml

from assess.config import Settings
from assess.services.responses import save_answers, start_response, submit
from tests.helpers import ROOT, LiveServer, add_round, db_of, definitions_of, shot

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

PERSONAS = yaml.safe_load((ROOT / "bench" / "personas" / "answers.yaml").read_text(encoding="utf-8"))
WIDTHS = (1280, 360)
MAX_HEIGHT = 3000  # px at 1280 wide with the details closed


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from assess.app import create_app

    tmp = Path(tmp_path_factory.mktemp("results"))
    settings = Settings(
        data_dir=tmp / "data",
        database_url=f"sqlite:///{tmp / 'live.db'}",
        secret_key="r" * 48,
        questionnaire_dir=ROOT / "questionnaires",
        practices_file=ROOT / "sdg_map" / "practices.yaml",
    )
    app = create_app(settings)
    round_ = add_round(app, slug="kochi-2025", questionnaire_id="community-sme", questionnaire_version=2)
    definitions = definitions_of(app)
    q = definitions.registry.get("community-sme", 2)
    tokens = {}
    with db_of(app) as db:
        for persona, locale in (("p05-forestry", "en"), ("p02-organic-veg", "ja")):
            response, token = start_response(db, round_, q, locale)
            save_answers(db, response, PERSONAS[persona], response.revision, q)
            db.refresh(response)
            submit(db, response, q, definitions.practices, response.revision)
            tokens[persona] = token
    with LiveServer(app) as server:
        server.tokens = tokens
        yield server
    app.state.context.engine.dispose()


def open_page(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url)
    return context, page


# Every goal tile: its text must stay inside its square and say the whole label.
TILES_JS = """() => [...document.querySelectorAll('svg.tiles g')].map(g => {
  const box = g.querySelector('rect').getBBox();
  const texts = [...g.querySelectorAll('text')];
  const outside = b => b.x < box.x || b.y < box.y
    || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height;
  const where = b => [b.x, b.y, b.width, b.height].map(v => v.toFixed(1)).join(',');
  return {
    number: texts[0].textContent,
    label: texts.slice(1).map(t => t.textContent).join(''),
    outside: texts.filter(t => outside(t.getBBox()))
      .map(t => `${t.textContent} [${where(t.getBBox())}] in ${box.width}`),
  };
})"""


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_goal_tile_clips_its_label(live, browser, locale, width):
    sdg = load_sdg()
    context, page = open_page(
        browser, f"{live.url}/s/{live.tokens['p05-forestry']}/results?lang={locale}", width
    )
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    tiles = page.evaluate(TILES_JS)
    assert {int(t["number"]) for t in tiles} == set(range(1, 18))  # the full profile shows every goal
    for tile in tiles:
        assert tile["outside"] == [], f"goal {tile['number']} ({locale}, {width} px): {tile['outside']}"
        expected = sdg.goal(int(tile["number"])).short_in(locale)
        assert tile["label"].replace(" ", "") == expected.replace(" ", ""), tile
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def load_sdg():
    from sdg_map import load_catalogue

    return load_catalogue()


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_results_page_is_short_with_the_details_closed(live, browser, locale):
    for width in WIDTHS:
        url = f"{live.url}/s/{live.tokens['p05-forestry']}/results?lang={locale}"
        context, page = open_page(browser, url, width)
        shot(page, f"results-{locale}-{width}")
        if width == 1280:
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height <= MAX_HEIGHT, f"{height} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator(".signatures li").count() >= 1
        assert page.locator("ol.opportunities li").count() == 3
        assert page.locator("details[open]").count() == 0
        context.close()


def test_a_response_opens_in_its_own_language_and_says_the_link_shows_results(live, browser):
    context, page = open_page(browser, f"{live.url}/s/{live.tokens['p05-forestry']}/results", 1280)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "shows your submitted answers and your results" in page.content()
    context.close()
    context, page = open_page(browser, f"{live.url}/s/{live.tokens['p02-organic-veg']}/results", 1280)
    assert page.locator("html").get_attribute("lang") == "ja"
    context.close()
