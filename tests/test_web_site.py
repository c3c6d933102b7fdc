"""The app factory, the home page, languages, error pages and headers."""

from assess.app import create_app
from tests.helpers import Client


def test_home_lists_questionnaires_in_japanese_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    assert "テスト" in page.text and "約5分" in page.text


def test_language_switch_is_remembered(client):
    page = client.get("/?lang=en")
    assert '<html lang="en">' in page.text and "Test" in page.text and "about 5 minutes" in page.text
    assert client.cookies.get("lang") == "en"
    assert '<html lang="en">' in client.get("/").text
    client.get("/?lang=ja")
    assert '<html lang="ja">' in client.get("/").text


def test_unknown_language_falls_back(client):
    assert '<html lang="ja">' in client.get("/?lang=fr").text


def test_security_headers(client):
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_not_found_page_in_both_languages(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "ページが見つかりません" in page.text
    assert "Page not found" in client.get("/no/such/page?lang=en").text


def test_server_error_shows_no_traceback(settings):
    app = create_app(settings)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    c = Client(app, raise_app_exceptions=False)  # the server logs and re-raises after answering
    page = c.get("/boom?lang=en")
    assert page.status_code == 500
    assert "Something went wrong" in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    c.close()


def test_healthz_and_static(client):
    assert client.get("/healthz").text == "ok"
    assert client.get("/static/css/site.css").status_code == 200


def test_about_page_shows_the_sdg_attribution(client):
    page = client.get("/about?lang=en")
    assert page.status_code == 200
    assert "open-sdg/sdg-translations" in page.text and "外務省" in page.text
    assert "3 practices" not in page.text and "Links to SDG targets" in page.text
    assert "<strong>English</strong>" in page.text
    ja = client.get("/about?lang=ja")
    assert "SDGsのゴールとターゲットの出典" in ja.text


def test_broken_practice_file_stops_start_up(settings, practices_file):
    import pytest

    from assess.definitions.errors import DefinitionFileError

    practices_file.write_text(
        practices_file.read_text(encoding="utf-8").replace('"7.3"', '"7.33"'), encoding="utf-8"
    )
    with pytest.raises(DefinitionFileError) as info:
        create_app(settings)
    assert info.value.errors[0].code == "P101"
