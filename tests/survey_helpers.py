"""Helpers for driving the survey over HTTP in tests."""

import re

from sqlmodel import select

from assess.models import Round


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def revision_of(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


def shown_of(html: str) -> str:
    return re.search(r'name="shown" value="([^"]*)"', html).group(1)


def add_round(app, slug="saga-2019", **fields) -> Round:
    from assess.db import session

    values = dict(slug=slug, name_ja="佐賀県調査 2019", name_en="Saga survey 2019", fiscal_year=2019, region="Saga",
                  questionnaire_id="t", questionnaire_version=1, organiser_ja="テスト支援機構", organiser_en="Test Support Org")
    values.update(fields)
    with session(app.state.engine) as db:
        round_ = Round(**values)
        db.add(round_)
        db.commit()
        db.refresh(round_)
        return round_


def start(client, slug="saga-2019") -> str:
    page = client.get(f"/r/{slug}")
    started = client.post(f"/r/{slug}/start", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 303, started.text
    return started.headers["location"].split("/")[2]


def post_section(client, token: str, section: str, data: dict, action: str = "next", page_html: str | None = None):
    html = page_html or client.get(f"/s/{token}/p/{section}").text
    form = {"csrf_token": csrf_of(html), "revision": revision_of(html), "shown": shown_of(html), "action": action, **data}
    return client.post(f"/s/{token}/p/{section}", data=form)


def rounds(app):
    from assess.db import session

    with session(app.state.engine) as db:
        return db.exec(select(Round)).all()
