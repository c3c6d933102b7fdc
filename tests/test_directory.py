"""The public directory: only published rounds, only what the booklet would print, a withdrawn
consent gone at once (pages, photos, the next booklet), pages revalidated by ETag, photos served
as downloads, and no private field of the demo on any public page in either language."""

import io
import re
from html import unescape

import pytest
from markupsafe import escape
from PIL import Image
from sqlmodel import select

from assess.models import (
    Answer,
    Attachment,
    AuditEvent,
    CasePhoto,
    CaseStudy,
    Company,
    Contact,
    DocumentRequest,
    Response,
    ReviewEvent,
    Round,
    StaffUser,
)
from assess.questionnaire.model import NARRATIVE_KEYS
from assess.services.attachments import store_of
from assess.services.case_studies import booklet_entries, consented, save_case_study
from assess.services.demo import DEMO_EMAIL, create_demo, create_demo_rounds
from assess.services.directory import publish_round, round_directory
from assess.services.photos import add_photo
from assess.services.responses import find_response, load_answers
from assess.services.review import act, add_note
from assess.vocab import PhotoKind
from tests.helpers import Client, csrf_of, db_of, definitions_of, log_in, make_user, settings_for, submitted

pytestmark = pytest.mark.db

SHOWN = "有田テスト陶業株式会社"  # approved, included, consents to its motto and story
SECOND = "伊万里テスト農園株式会社"  # approved, included, consents to its story only
LEFT_OUT = "唐津テスト建設株式会社"  # approved, not included
UNREVIEWED = "武雄テスト商店株式会社"  # submitted, never approved
CONSENT_GONE = "鳥栖テスト運輸株式会社"  # included, then its answers consent to nothing


def image(fmt: str, size=(640, 480), colour=(10, 110, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def include(app, token: str, staff, texts: dict, position: int, included=True) -> int:
    with db_of(app) as db:
        response = find_response(db, token)
        act(db, response, staff, "approve")
        q = definitions_of(app).registry.get(response.questionnaire_id, response.questionnaire_version)
        save_case_study(db, response, staff, q, load_answers(db, response.id), texts, included, position)
        return response.id


@pytest.fixture
def companies(app, client, round_, settings):
    """Five companies at the stages the directory must tell apart, and photos for the first."""
    staff = make_user(app)
    tokens = {
        SHOWN: submitted(client, name=SHOWN, consent=("motto", "story")),
        SECOND: submitted(client, name=SECOND, consent=("story",)),
        LEFT_OUT: submitted(client, name=LEFT_OUT),
        UNREVIEWED: submitted(client, name=UNREVIEWED),
        CONSENT_GONE: submitted(client, name=CONSENT_GONE),
    }
    ids = {
        SHOWN: include(app, tokens[SHOWN], staff, {"motto": "窯の火を絶やさない", "story": "祭りの器"}, 1),
        # Its motto is not consented to: the staff text for it must never show.
        SECOND: include(app, tokens[SECOND], staff, {"motto": "非公開のモットー", "story": "田植え体験"}, 2),
        LEFT_OUT: include(app, tokens[LEFT_OUT], staff, {"motto": "載らないモットー"}, 3, included=False),
        CONSENT_GONE: include(app, tokens[CONSENT_GONE], staff, {"motto": "同意のないモットー"}, 0),
    }
    with db_of(app) as db:
        consent = db.exec(
            select(Answer).where(Answer.response_id == ids[CONSENT_GONE], Answer.question_id == "consent")
        ).one()
        consent.value = ["none"]
        db.add(consent)
        db.commit()
        response = db.get(Response, ids[SHOWN])
        store = store_of(settings.data_dir)
        logo = add_photo(
            db, store, response, io.BytesIO(image("PNG")), "logo.png", PhotoKind.LOGO, ("", "", ""), True
        )
        photo = add_photo(
            db,
            store,
            response,
            io.BytesIO(image("JPEG")),
            "kiln.jpg",
            PhotoKind.PHOTO,
            ("登り窯の火入れ", "Firing the kiln", "有田テスト写真館"),
            True,
        )
        other = add_photo(  # a photo of a response the directory does not show
            db,
            store,
            db.get(Response, ids[LEFT_OUT]),
            io.BytesIO(image("JPEG")),
            "x.jpg",
            PhotoKind.PHOTO,
            ("", "", ""),
            True,
        )
        keys = {name: _key(db, rid) for name, rid in ids.items()}
    return {
        "round": round_,
        "tokens": tokens,
        "ids": ids,
        "keys": keys,
        "logo": logo,
        "photo": photo,
        "other": other,
        "staff": staff,
    }


def _key(db, response_id: int) -> str | None:
    return db.exec(select(CaseStudy.public_key).where(CaseStudy.response_id == response_id)).one()


def staff_client(app) -> Client:
    c = Client(app)
    log_in(c)
    return c


def publish(app, round_id: int, published: bool = True):
    c = staff_client(app)
    page = c.get(f"/staff/rounds/{round_id}")
    reply = c.post(
        f"/staff/rounds/{round_id}/publish",
        data={"csrf_token": csrf_of(page.text), "published": "1" if published else "0"},
    )
    c.close()
    return reply


def case_url(companies, name: str) -> str:
    return f"/directory/{companies['round'].slug}/{companies['keys'][name]}"


def photo_url(companies, name: str, photo: CasePhoto) -> str:
    return f"{case_url(companies, name)}/photos/{photo.id}"


def test_an_unpublished_round_is_not_in_the_directory(app, client, companies):
    slug = companies["round"].slug
    assert f"/directory/{slug}" not in client.get("/directory").text
    assert client.get(f"/directory/{slug}").status_code == 404
    assert client.get(case_url(companies, SHOWN)).status_code == 404
    assert client.get(photo_url(companies, SHOWN, companies["photo"])).status_code == 404
    assert client.get("/directory/no-such-round").status_code == 404

    assert publish(app, companies["round"].id).status_code == 303
    assert f'href="/directory/{slug}"' in client.get("/directory").text
    assert client.get(f"/directory/{slug}").status_code == 200
    assert client.get(case_url(companies, SHOWN)).status_code == 200

    publish(app, companies["round"].id, published=False)
    assert client.get(f"/directory/{slug}").status_code == 404
    assert client.get(case_url(companies, SHOWN)).status_code == 404


def test_only_approved_included_consenting_companies_are_listed_in_booklet_order(app, client, companies):
    publish(app, companies["round"].id)
    page = client.get(f"/directory/{companies['round'].slug}")
    assert page.status_code == 200
    text = page.text
    assert SHOWN in text and SECOND in text
    assert text.index(SHOWN) < text.index(SECOND)  # by the case studies' positions
    for name in (LEFT_OUT, UNREVIEWED, CONSENT_GONE):
        assert name not in text
    assert "窯の火を絶やさない" in text  # a consented motto
    assert (
        "非公開のモットー" not in text and "同意のないモットー" not in text and "載らないモットー" not in text
    )
    assert f'href="{case_url(companies, SHOWN)}"' in text
    assert f"{case_url(companies, SHOWN)}/photos/{companies['logo'].id}?v=" in text  # its logo
    # Its location and industry, named in the page's language; signature goals drawn with their numbers.
    assert "佐賀県" in text
    # The same entries as the booklet, in the same order.
    with db_of(app) as db:
        round_ = db.get(Round, companies["round"].id)
        definitions = definitions_of(app)
        listed = [e.public_key for e in round_directory(db, round_, definitions, "ja")]
        printed = [e.study.public_key for e in booklet_entries(db, [round_.id], definitions.registry)]
    assert listed == printed == [companies["keys"][SHOWN], companies["keys"][SECOND]]
    for name in (LEFT_OUT, CONSENT_GONE):  # made, but not visible
        assert client.get(case_url(companies, name)).status_code == 404
    assert client.get(f"/directory/{companies['round'].slug}/not-a-key").status_code == 404


def test_the_case_page_shows_only_consented_texts_and_its_photos(app, client, companies):
    publish(app, companies["round"].id)
    shown = client.get(case_url(companies, SHOWN) + "?lang=ja").text
    assert "窯の火を絶やさない" in shown and "祭りの器" in shown
    assert "登り窯の火入れ" in shown and "有田テスト写真館" in shown
    assert f"/photos/{companies['photo'].id}?v={companies['photo'].sha256[:16]}" in shown
    assert 'class="chart"' in shown and "分野別スコア" in shown  # the booklet's area chart
    second = client.get(case_url(companies, SECOND)).text
    assert "田植え体験" in second and "非公開のモットー" not in second
    english = client.get(case_url(companies, SHOWN) + "?lang=en").text
    assert "Firing the kiln" in english and "Scores by area" in english and 'lang="en"' in english


def withdraw(client, token: str, action: str = "withdraw"):
    page = client.get(f"/s/{token}/results")
    assert page.status_code == 200
    return client.post(f"/s/{token}/publication", data={"csrf_token": csrf_of(page.text), "action": action})


def test_withdrawing_consent_on_the_results_page_takes_the_case_study_down_at_once(app, client, companies):
    publish(app, companies["round"].id)
    token, slug = companies["tokens"][SHOWN], companies["round"].slug
    results = client.get(f"/s/{token}/results")
    assert 'id="publication"' in results.text
    assert f'href="{case_url(companies, SHOWN)}"' in results.text  # where it is published
    assert client.get(photo_url(companies, SHOWN, companies["photo"])).status_code == 200

    reply = withdraw(client, token)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/s/{token}/results?n=withdrawn#publication"
    assert SHOWN not in client.get(f"/directory/{slug}").text
    assert SECOND in client.get(f"/directory/{slug}").text
    assert client.get(case_url(companies, SHOWN)).status_code == 404
    assert client.get(photo_url(companies, SHOWN, companies["photo"])).status_code == 404
    assert client.get(photo_url(companies, SHOWN, companies["logo"])).status_code == 404
    with db_of(app) as db:
        names = [
            e.company.name for e in booklet_entries(db, [companies["round"].id], definitions_of(app).registry)
        ]
        assert names == [SECOND]  # and out of the next print
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "consent.withdraw")).first()
    after = client.get(f"/s/{token}/results?n=withdrawn")
    assert 'value="give"' in after.text and 'value="withdraw"' not in after.text
    assert 'role="status"' in after.text

    reply = withdraw(client, token, "give")
    assert reply.headers["location"] == f"/s/{token}/results?n=given#publication"
    assert SHOWN in client.get(f"/directory/{slug}").text
    assert client.get(case_url(companies, SHOWN)).status_code == 200
    assert client.get(photo_url(companies, SHOWN, companies["photo"])).status_code == 200


def test_the_results_page_says_where_the_case_study_is_published(app, client, companies):
    slug, left_out = companies["round"].slug, companies["tokens"][LEFT_OUT]
    before = client.get(f"/s/{left_out}/results").text
    assert 'id="publication"' in before and f"/directory/{slug}" not in before  # the booklet only
    publish(app, companies["round"].id)
    # Published round, case study not included: the round's page, not a case page of its own.
    after = client.get(f"/s/{left_out}/results").text
    assert f'href="/directory/{slug}"' in after and f"/directory/{slug}/" not in after
    shown = client.get(f"/s/{companies['tokens'][SHOWN]}/results").text
    assert f'href="{case_url(companies, SHOWN)}"' in shown


def test_the_publication_form_refuses_what_it_cannot_do(app, client, companies):
    token = companies["tokens"][SHOWN]
    page = client.get(f"/s/{token}/results")
    # Without the CSRF token: refused, nothing changed.
    assert client.post(f"/s/{token}/publication", data={"action": "withdraw"}).status_code == 403
    # An unknown action changes nothing.
    reply = client.post(f"/s/{token}/publication", data={"csrf_token": csrf_of(page.text), "action": "x"})
    assert reply.status_code == 303 and "?n=" not in reply.headers["location"]
    with db_of(app) as db:
        assert db.exec(select(CaseStudy).where(CaseStudy.withdrawn_at.is_not(None))).first() is None
    assert (
        client.post("/s/not-a-token/publication", data={"csrf_token": csrf_of(page.text)}).status_code == 404
    )
    # A company that consented to nothing has no publication section.
    gone = client.get(f"/s/{companies['tokens'][CONSENT_GONE]}/results")
    assert gone.status_code == 200 and 'id="publication"' not in gone.text


def test_pages_are_revalidated_by_etag_and_change_with_a_withdrawal(app, client, companies):
    publish(app, companies["round"].id)
    url = f"/directory/{companies['round'].slug}"
    first = client.get(url)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    assert "no-store" not in first.headers["cache-control"] and first.headers["vary"] == "Cookie"
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    case = client.get(case_url(companies, SHOWN))
    assert (
        client.get(case_url(companies, SHOWN), headers={"if-none-match": case.headers["etag"]}).status_code
        == 304
    )
    index = client.get("/directory")
    assert client.get("/directory", headers={"if-none-match": index.headers["etag"]}).status_code == 304

    withdraw(client, companies["tokens"][SHOWN])
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag and SHOWN not in changed.text
    assert (
        client.get(case_url(companies, SHOWN), headers={"if-none-match": case.headers["etag"]}).status_code
        == 404
    )
    assert client.get("/directory", headers={"if-none-match": index.headers["etag"]}).status_code == 200
    # Each language is a page of its own; a page setting the language cookie stays out of shared caches.
    english = client.get(url + "?lang=en")
    assert english.headers["etag"] != changed.headers["etag"]
    assert english.headers["cache-control"] == "private, no-cache"


def test_photos_are_downloads_kept_by_their_digest(app, client, companies):
    publish(app, companies["round"].id)
    photo = companies["photo"]
    url = photo_url(companies, SHOWN, photo)
    reply = client.get(f"{url}?v={photo.sha256[:16]}")
    assert reply.status_code == 200 and reply.content[:3] == b"\xff\xd8\xff"
    assert reply.headers["content-type"] == photo.media_type
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["content-disposition"].startswith("attachment; filename=")
    assert reply.headers["content-security-policy"] == "default-src 'none'; sandbox"
    # Kept, but checked again on every use: a withdrawal takes it down in caches too.
    assert reply.headers["cache-control"] == "public, no-cache"
    assert "set-cookie" not in reply.headers
    assert client.get(url).headers["cache-control"] == "public, no-cache"
    assert client.get(f"{url}?v=0000").headers["cache-control"] == "public, no-cache"
    held = client.get(url, headers={"if-none-match": reply.headers["etag"]})
    assert held.status_code == 304 and held.content == b""
    # Another response's photo, a photo that does not exist, a non-number: never through this address.
    assert client.get(f"{case_url(companies, SHOWN)}/photos/{companies['other'].id}").status_code == 404
    assert client.get(f"{case_url(companies, LEFT_OUT)}/photos/{companies['other'].id}").status_code == 404
    assert client.get(f"{case_url(companies, SHOWN)}/photos/999999").status_code == 404
    assert client.get(f"{case_url(companies, SHOWN)}/photos/x").status_code in (400, 404)
    logo = client.get(photo_url(companies, SHOWN, companies["logo"]))
    assert logo.status_code == 200 and logo.headers["content-type"] == companies["logo"].media_type


def test_staff_publish_and_remove_the_round_from_its_page(app, client, companies):
    round_id, slug = companies["round"].id, companies["round"].slug
    with db_of(app) as db:  # a case study saved before public addresses existed
        study = db.exec(select(CaseStudy).where(CaseStudy.response_id == companies["ids"][SECOND])).one()
        study.public_key = None
        db.add(study)
        db.commit()
    c = staff_client(app)
    page = c.get(f"/staff/rounds/{round_id}")
    assert (
        f'action="/staff/rounds/{round_id}/publish"' in page.text
        and 'name="published" value="1"' in page.text
    )
    assert c.post(f"/staff/rounds/{round_id}/publish", data={"published": "1"}).status_code == 403
    assert client.post(f"/staff/rounds/{round_id}/publish", data={"published": "1"}).status_code in (303, 403)
    with db_of(app) as db:
        assert db.get(Round, round_id).published_at is None

    reply = c.post(
        f"/staff/rounds/{round_id}/publish", data={"csrf_token": csrf_of(page.text), "published": "1"}
    )
    assert reply.status_code == 303 and reply.headers["location"] == f"/staff/rounds/{round_id}#directory"
    page = c.get(f"/staff/rounds/{round_id}")
    assert f'href="/directory/{slug}"' in page.text and 'name="published" value="0"' in page.text
    with db_of(app) as db:
        assert db.get(Round, round_id).published_at is not None
        key = _key(db, companies["ids"][SECOND])
        assert key and len(key) >= 12  # given one as the round was published
        actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.object_type == "round"))]
        assert "round.publish" in actions
    assert SECOND in client.get(f"/directory/{slug}").text

    c.post(f"/staff/rounds/{round_id}/publish", data={"csrf_token": csrf_of(page.text), "published": "0"})
    assert client.get(f"/directory/{slug}").status_code == 404
    with db_of(app) as db:
        assert "round.unpublish" in [e.action for e in db.exec(select(AuditEvent))]
    c.close()


# --- the demo: no private field on any public page ------------------------------------------


@pytest.fixture
def demo(new_database, tmp_path):
    """The demo on the shipped questionnaires, every round published, with the private fields
    the demo leaves empty filled in, so the search below has something to miss."""
    from assess.app import create_app

    app = create_app(settings_for(new_database("demo"), tmp_path / "data"))
    context = app.state.context
    with db_of(app) as db:
        rounds = create_demo_rounds(db, context.definitions.registry)
        links = create_demo(
            db, rounds, context.definitions.registry, context.definitions.practices, context.secret
        )
        staff = db.exec(select(StaffUser).where(StaffUser.email == DEMO_EMAIL)).one()
        _fill_private_fields(db, staff, store_of(tmp_path / "data"))
        for round_ in rounds.values():
            publish_round(db, round_, staff, True)
    yield app, links
    context.engine.dispose()


def _fill_private_fields(db, staff, store) -> None:
    for company in db.exec(select(Company)).all():
        company.code = f"70{company.id:011d}"
        company.contact_note = f"社長の携帯は夜のみ（{company.id}）"
        db.add(company)
        db.add(
            Contact(
                company_id=company.id, name=f"窓口 花子{company.id}", email=f"hanako{company.id}@example.com"
            )
        )
    db.commit()
    approved = db.exec(select(Response).where(Response.status == "approved")).all()
    for response in approved:
        add_note(db, response, staff, f"内部メモ：決算に不安あり（{response.id}）")
        db.add(
            Attachment(
                response_id=response.id,
                question_id="core_business",
                name=f"決算書_非公開_{response.id}.pdf",
                media_type="application/pdf",
                size=1,
                sha256="0" * 64,
                stored=f"{response.id}/nothing-{response.id}",
            )
        )
        db.add(
            DocumentRequest(
                response_id=response.id,
                question_id="core_business",
                note=f"許可証の写し{response.id}",
                requested_by=staff.email,
            )
        )
    db.commit()
    # A photo with a caption on a shown case study: its route and caption are crawled too.
    add_photo(
        db,
        store,
        approved[0],
        io.BytesIO(image("JPEG")),
        "a.jpg",
        PhotoKind.PHOTO,
        ("工房の様子", "The workshop", "撮影：デモ"),
        True,
        staff.email,
    )


def _private_values(db, registry) -> set[str]:
    """Every value of the database that no public page may show."""
    values = {c.email for c in db.exec(select(Contact))} | {c.name for c in db.exec(select(Contact))}
    values |= {s.email for s in db.exec(select(StaffUser))} | {
        s.display_name for s in db.exec(select(StaffUser))
    }
    for company in db.exec(select(Company)):
        values |= {company.code or "", company.contact_note}
    values |= {e.comment for e in db.exec(select(ReviewEvent))}
    values |= {a.name for a in db.exec(select(Attachment))} | {
        d.note for d in db.exec(select(DocumentRequest))
    }
    values |= {p.uploaded_by for p in db.exec(select(CasePhoto))}
    for response in db.exec(select(Response)):
        values |= _unpublished_texts(db, registry, response)
    for q in registry.all():  # single questions (and so their points) are never named
        values |= {
            question.label.get(lang) for question in q.questions if question.scored for lang in ("ja", "en")
        }
    return {v for v in values if v and len(v) >= 4}


def _unpublished_texts(db, registry, response) -> set[str]:
    """The response's free-text answers, and its case study's parts it did not consent to."""
    q = registry.get(response.questionnaire_id, response.questionnaire_version)
    answers = load_answers(db, response.id)
    profile = {q.roles[r].id for r in ("company.name", "company.municipality") if r in q.roles}
    texts = set()
    for qid, value in answers.items():
        question = q.question_index.get(qid.split(".")[0])
        free = qid.endswith(".other") or (
            question is not None and question.type in ("short_text", "long_text")
        )
        if free and isinstance(value, str) and qid not in profile:
            texts.add(value)
    study = db.exec(select(CaseStudy).where(CaseStudy.response_id == response.id)).first()
    if study is not None:
        allowed = consented(q, answers)
        texts |= {getattr(study, k) for k in NARRATIVE_KEYS if k not in allowed}
    return texts


def _public_texts(db, registry) -> list[str]:
    """What the directory may show: the booklet's entries' consented texts, names, captions."""
    round_ids = [r.id for r in db.exec(select(Round))]
    shown = []
    for entry in booklet_entries(db, round_ids, registry):
        allowed = consented(entry.questionnaire, entry.answers)
        shown += [getattr(entry.study, k) for k in NARRATIVE_KEYS if k in allowed]
        shown += [entry.company.name, entry.company.municipality]
    shown += [p.caption_ja for p in db.exec(select(CasePhoto))] + [
        p.caption_en for p in db.exec(select(CasePhoto))
    ]
    return shown


def crawl(client, start: str) -> dict[str, str]:
    """Every directory page reachable from `start`: url -> html; photos are fetched, not read."""
    pages, queue = {}, [start]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        reply = client.get(url)
        assert reply.status_code == 200, url
        if "/photos/" in url:
            pages[url] = ""
            continue
        pages[url] = reply.text
        links = re.findall(r'(?:href|src)="([^"]+)"', reply.text)
        queue += [unescape(link) for link in links if link.startswith("/directory")]
    return pages


# Every address a public page may hold: the directory's own pages, its photos, static files.
ALLOWED_URL = re.compile(
    r"^(/|/about|#[\w-]+|\?lang=(ja|en)|/static/[\w./-]+|/directory(/[\w-]+(/[\w-]{12,}(/photos/\d+\?v=[0-9a-f]{16})?)?)?)$"
)


def test_no_private_field_of_the_demo_is_on_any_public_page(demo):
    app, links = demo
    registry = definitions_of(app).registry
    with db_of(app) as db:
        private = _private_values(db, registry)
        public = _public_texts(db, registry)
        photos = len(db.exec(select(CasePhoto)).all())
        tokens = [link.rsplit("/", 1)[-1] for link in links.values()]
        expected_cases = len(booklet_entries(db, [r.id for r in db.exec(select(Round))], registry))
    assert len(private) > 60 and photos >= 1 and expected_cases >= 10
    # What is private only because a shown text holds it too is no leak (a company's motto repeated).
    private = {v for v in private if not any(v in text for text in public)}
    for locale in ("ja", "en"):
        client = Client(app)
        pages = crawl(client, f"/directory?lang={locale}")
        cases = [u for u in pages if re.fullmatch(r"/directory/[\w-]+/[\w-]{12,}(\?lang=\w+)?", u)]
        assert len(cases) == expected_cases, sorted(pages)
        assert any("/photos/" in u for u in pages)
        for url, html in pages.items():
            if not html:
                continue
            assert f'<html lang="{locale}">' in html, url
            for value in private:
                assert value not in html and str(escape(value)) not in html, (url, value)
            for token in tokens:
                assert token not in html, url
            assert "/s/" not in html and "/i/" not in html and "/staff" not in html, url
            for link in re.findall(r'(?:href|src|action)="([^"]*)"', html):
                assert ALLOWED_URL.match(unescape(link)), (url, link)
            assert "<form" not in html and "<script" not in html, url  # nothing to send, nothing to run
        client.close()


# --- in Chromium: screenshots (look at them) --------------------------------------------------


def picture(size, colours) -> bytes:
    """A photo-like image: bands of colour, so a screenshot shows where photos sit."""
    img = Image.new("RGB", size, colours[0])
    band = size[1] // len(colours)
    for i, colour in enumerate(colours):
        img.paste(colour, (0, i * band, size[0], (i + 1) * band))
    out = io.BytesIO()
    img.save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.browser
@pytest.mark.own_database
def test_directory_in_chromium(browser, tmp_path):
    from assess.app import create_app
    from tests.helpers import OUTPUT, LiveServer, axe_violations, browser_page, shot

    def shot_path(name: str):
        OUTPUT.mkdir(exist_ok=True)
        return OUTPUT / f"{name}.png"

    app = create_app(settings_for(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "data"))
    context = app.state.context
    store = store_of(tmp_path / "data")
    with db_of(app) as db:
        rounds = create_demo_rounds(db, context.definitions.registry)
        links = create_demo(
            db, rounds, context.definitions.registry, context.definitions.practices, context.secret
        )
        staff = db.exec(select(StaffUser).where(StaffUser.email == DEMO_EMAIL)).one()
        ids = [r.id for r in rounds.values()]
        shown = {e.response.id for e in booklet_entries(db, ids, context.definitions.registry)}
        # A company whose private link (the latest of its name) is that of a shown response.
        name, token = next((n, t) for n, t in links.items() if find_response(db, t).id in shown)
        first = find_response(db, token)
        slug = db.get(Round, first.round_id).slug
        count = len(booklet_entries(db, [first.round_id], context.definitions.registry))
        add_photo(
            db,
            store,
            first,
            io.BytesIO(image("PNG", (400, 400), (180, 40, 40))),
            "logo.png",
            PhotoKind.LOGO,
            ("", "", ""),
            True,
            staff.email,
        )
        for caption, colours in (
            (
                ("登り窯の火入れ", "Firing the climbing kiln", "有田町観光協会（架空）"),
                [(120, 60, 30), (200, 120, 60)],
            ),
            (("工房見学の小学生", "Pupils visiting the workshop", ""), [(40, 90, 140), (200, 210, 220)]),
        ):
            add_photo(
                db,
                store,
                first,
                io.BytesIO(picture((1200, 800), colours)),
                "p.jpg",
                PhotoKind.PHOTO,
                caption,
                True,
                staff.email,
            )
        for round_ in rounds.values():
            publish_round(db, round_, staff, True)
    try:
        with LiveServer(app) as live:
            for locale in ("ja", "en"):
                # Under the app's Content-Security-Policy: the logo and photos must load.
                ctx, page = browser_page(browser, width=1100)
                page.goto(f"{live.url}/directory?lang={locale}")
                shot(page, f"directory-index-{locale}")
                page.goto(f"{live.url}/directory/{slug}")
                assert page.locator(".directory-entry").count() == count
                assert page.locator(".entry-logo").evaluate("img => img.naturalWidth") > 0
                shot(page, f"directory-{locale}")
                page.get_by_role("link", name=name).click()
                page.wait_for_load_state()
                case_url = page.url
                assert page.locator(".case-photos img").count() == 2
                # The photos load lazily: brought into view, the first must arrive and decode.
                page.locator(".case-photos img").first.scroll_into_view_if_needed()
                page.wait_for_function(
                    "() => document.querySelector('.case-photos img').complete", timeout=10_000
                )
                assert page.locator(".case-photos img").first.evaluate("img => img.naturalWidth") > 0
                shot(page, f"directory-case-{locale}")
                page.set_viewport_size({"width": 360, "height": 800})
                shot(page, f"directory-case-{locale}-360")
                assert page.evaluate("document.documentElement.scrollWidth") <= 360
                # The company's own view: what is published where, and the button to withdraw.
                page.set_viewport_size({"width": 1100, "height": 900})
                page.goto(f"{live.url}/s/{token}/results?lang={locale}")
                section = page.locator("#publication")
                section.locator("summary").click()  # closed, so the page stays short
                links = [a.get_attribute("href") for a in section.get_by_role("link").all()]
                assert case_url.replace(live.url, "") in links and f"/s/{token}/photos" in links
                section.screenshot(path=str(shot_path(f"directory-publication-{locale}")))
                ctx.close()
                # bypass_csp only lets the test inject axe-core.
                ctx = browser.new_context(viewport={"width": 1100, "height": 900}, bypass_csp=True)
                page = ctx.new_page()
                for label, url in (
                    ("directory", f"{live.url}/directory/{slug}"),
                    ("directory-case", case_url),
                ):
                    page.goto(url)
                    assert axe_violations(page, f"{label}-{locale}") == []
                ctx.close()
    finally:
        context.engine.dispose()
