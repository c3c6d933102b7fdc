"""The answer history: a snapshot at every submission that later saves never change, the
per-question diff and score change between two submissions, and the staff page showing them."""

from types import SimpleNamespace

import pytest
from sqlmodel import delete, select

from assess.i18n import gettext
from assess.models import Response, Submission, SubmittedAnswer
from assess.presentation.diff import KIND_NAMES, answer_diff, score_change, text_diff, tokens
from assess.services.errors import MissingAnswers
from assess.services.history import latest_two, submissions
from assess.services.responses import find_response, save_answers, submit
from assess.services.review import act
from tests.defs import SURVEY, VALID, load
from tests.helpers import db_of, definitions_of, log_in, make_user, response_of, submitted

Q, _ = load(VALID)


# --- pure: presentation/diff.py -------------------------------------------------------------


def by_id(changes):
    return {c.question_id: c for c in changes}


def test_choice_options_added_and_removed_with_the_other_text():
    old = {"energy": ["led", "other"], "energy.other": "断熱", "recycle": "yes"}
    new = {"energy": ["solar", "other"], "energy.other": "断熱と遮熱", "recycle": "no"}
    changes = by_id(answer_diff(Q, old, new, "ja"))
    energy = changes["energy"]
    assert energy.kind == "changed" and energy.style == "choice"
    assert energy.added == ("太陽光", "その他 (断熱と遮熱)")
    assert energy.removed == ("LED", "その他 (断熱)")
    recycle = changes["recycle"]  # yes/no is not a choice among options: old → new
    assert recycle.style == "value" and (recycle.old, recycle.new) == ("はい", "いいえ")
    en = by_id(answer_diff(Q, old, new, "en"))["energy"]
    assert en.added[0] == "Solar" and en.removed[0] == "LED" and en.label == "Energy saving"


def test_only_changed_questions_in_questionnaire_order_and_nothing_for_equal_answers():
    answers = {"energy": ["led"], "staff": 12, "recycle": "yes", "rating": 3, "detail": "LED"}
    assert answer_diff(Q, answers, dict(answers), "ja") == []
    changed = answer_diff(Q, answers, {**answers, "rating": 4, "energy": ["led", "solar"]}, "en")
    assert [c.question_id for c in changed] == ["energy", "rating"]  # the definition's order
    assert changed[0].added == ("Solar",) and changed[0].removed == ()


def test_numbers_and_answers_added_or_removed():
    old = {"energy": ["led"], "staff": 12, "recycle": "yes", "rating": 2}
    new = {"energy": ["led"], "staff": 9, "recycle": "yes", "detail": "新しい説明"}
    changes = by_id(answer_diff(Q, old, new, "ja"))
    staff = changes["staff"]
    assert staff.kind == "changed" and staff.style == "value" and (staff.old, staff.new) == ("12 人", "9 人")
    # Nine people hide the rating question: its answer is gone from what was submitted.
    assert changes["rating"].kind == "removed" and changes["rating"].new == ""
    assert changes["detail"].kind == "added" and changes["detail"].kind_label == gettext(
        "ja", KIND_NAMES["added"]
    )
    assert [(s.kind, s.text) for s in changes["detail"].segments] == [("ins", "新しい説明")]


def test_japanese_text_is_diffed_by_characters():
    segments = text_diff("地域の祭りに参加しています", "地域の祭りと清掃活動に毎年参加しています")
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "地域の祭り"),
        ("ins", "と清掃活動"),
        ("same", "に"),
        ("ins", "毎年"),
        ("same", "参加しています"),
    ]
    assert tokens("LED照明") == ["LED", "照", "明"]


def test_english_text_is_diffed_by_words():
    segments = text_diff("We join the town festival.", "We join the summer town fair.")
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "We join the "),
        ("ins", "summer "),
        ("same", "town "),
        ("del", "festival"),
        ("ins", "fair"),
        ("same", "."),
    ]
    # Changes that only spaces separate read as one replacement.
    assert [(s.kind, s.text) for s in text_diff("the red car", "a blue bike")] == [
        ("del", "the red car"),
        ("ins", "a blue bike"),
    ]
    # Text put back together from either side is the old or the new text.
    old, new = "Line one\nline two", "Line one\nline 2 and three"
    segments = text_diff(old, new)
    assert "".join(s.text for s in segments if s.kind != "ins") == old
    assert "".join(s.text for s in segments if s.kind != "del") == new


def test_who_entered_an_answer_is_named():
    old = {"energy": ["led"], "recycle": "yes", "staff": 5}
    new = {"energy": ["solar"], "recycle": "yes"}
    changes = by_id(
        answer_diff(Q, old, new, "en", {"energy": "kato@example.org"}, {"staff": "sato@example.org"})
    )
    assert changes["energy"].entered_by == "kato@example.org"
    assert changes["staff"].kind == "removed" and changes["staff"].entered_by == "sato@example.org"


def submission_of(overall, level, areas, signature):
    return SimpleNamespace(overall_score=overall, overall_level=level, areas=areas, signature=signature)


def test_score_change_per_area_overall_and_signature_goals():
    old = submission_of(41.5, "developing", {"env": 41.5}, [7, 12])
    new = submission_of(38.0, "starting", {"env": 38.0, "extra": 10.0}, [12, 13])
    change = score_change(
        old,
        new,
        {"env": "環境"},
        goal_labels={7: "エネルギー", 12: "つくる責任", 13: "気候変動"},
        level_labels={"developing": "発展", "starting": "着手"},
        overall_label="総合",
    )
    env, extra = change.areas
    assert (env.label, env.old_text, env.new_text, env.delta_text, env.direction) == (
        "環境",
        "41.5",
        "38",
        "−3.5",
        "down",
    )
    assert (extra.label, extra.old_text, extra.delta_text, extra.direction) == ("extra", "–", "–", "")
    assert change.overall.delta == -3.5 and change.overall.label == "総合"
    assert (change.level_old, change.level_new) == ("発展", "着手")
    assert [g.number for g in change.goals_gained] == [13] and change.goals_gained[0].label == "気候変動"
    assert [g.number for g in change.goals_lost] == [7]
    assert change.changed
    same = score_change(old, old, {"env": "環境"})
    assert same.areas[0].delta_text == "±0" and not same.changed and same.goals_gained == ()


# --- the snapshots in the database ---------------------------------------------------------


@pytest.fixture
def staff(app):
    return make_user(app)


def return_it(app, token, staff, comment="ご確認ください"):
    with db_of(app) as db:
        act(db, find_response(db, token), staff, "return", comment)


def save(app, token, values, entered_by=""):
    """Save answers as the company would, or as staff entering them with it (interview mode)."""
    q = definitions_of(app).registry.get("t", 1)
    with db_of(app) as db:
        response = find_response(db, token)
        save_answers(db, response, values, response.revision, q, entered_by=entered_by)


def resubmit(app, token, values=None):
    if values:
        save(app, token, values)
    definitions = definitions_of(app)
    with db_of(app) as db:
        response = find_response(db, token)
        submit(db, response, definitions.registry.get("t", 1), definitions.practices, response.revision)


def stored(app, submission_id) -> dict:
    with db_of(app) as db:
        rows = db.exec(select(SubmittedAnswer).where(SubmittedAnswer.submission_id == submission_id))
        return {r.question_id: (r.value, r.entered_by) for r in rows}


def test_each_submission_keeps_a_snapshot_that_later_saves_never_change(app, client, round_, staff):
    token = submitted(client)
    rid = response_of(app, token).id
    with db_of(app) as db:
        (first,) = submissions(db, rid)
        response = db.get(Response, rid)
        assert first.number == 1 and first.submitted_at == response.submitted_at
        assert first.overall_score == response.overall_score and first.overall_level == response.overall_level
        assert set(first.areas) == {"env"} and isinstance(first.signature, list)
        assert latest_two(db, rid) is None
    snapshot = stored(app, first.id)
    assert snapshot["staff"] == (12, "") and snapshot["energy"] == (["led"], "")
    assert snapshot["company_name"] == ("有田テスト陶業株式会社", "")

    return_it(app, token, staff)
    save(app, token, {"staff": 30, "energy": ["led", "solar"]}, entered_by="staff@example.org")
    assert stored(app, first.id) == snapshot  # editing after the return rewrites nothing submitted

    resubmit(app, token)
    with db_of(app) as db:
        previous, latest = latest_two(db, rid)
        assert (previous.id, previous.number, latest.number) == (first.id, 1, 2)
        assert latest.overall_score == db.get(Response, rid).overall_score
    assert stored(app, first.id) == snapshot
    second = stored(app, latest.id)
    assert second["staff"] == (30, "staff@example.org") and second["energy"] == (
        ["led", "solar"],
        "staff@example.org",
    )
    assert second["recycle"] == ("yes", "")


def test_a_failed_submit_writes_no_snapshot(app, client, round_, staff):
    token = submitted(client)
    return_it(app, token, staff)
    save(app, token, {"recycle": None})  # a required answer cleared
    with pytest.raises(MissingAnswers):
        resubmit(app, token)
    with db_of(app) as db:
        assert len(submissions(db, response_of(app, token).id)) == 1


# --- the staff page -----------------------------------------------------------------------


def changes_section(html: str) -> str:
    start = html.index('<section aria-labelledby="changes-title"')
    return html[start : html.index("</section>", start)]


def test_the_staff_page_shows_the_diff_after_return_and_resubmit(app, client, round_, staff):
    token = submitted(client)
    rid = response_of(app, token).id
    assert log_in(client).status_code == 303
    assert 'id="changes-title"' not in client.get(f"/staff/responses/{rid}").text  # one submission

    return_it(app, token, staff)
    save(app, token, {"staff": 14, "energy": ["solar"], "story": "祭りと清掃活動に参加しています"})
    save(app, token, {"motto": "<script>alert(1)</script>地域とともに"}, entered_by="kato@example.org")
    resubmit(app, token)

    page = client.get(f"/staff/responses/{rid}")
    assert page.status_code == 200
    html = changes_section(page.text)
    assert gettext("ja", "Changes since the previous submission") in html
    assert gettext("ja", "Submission {n}", n=1) in html and gettext("ja", "Submission {n}", n=2) in html
    assert '<ins class="chip">太陽光</ins>' in html and '<del class="chip">LED</del>' in html
    assert "<del>12 人</del>" in html and "<ins>14 人</ins>" in html
    assert "祭り<ins>と清掃活動</ins>に参加しています" in html
    # What the company typed is text, never markup.
    assert "<script>alert" not in page.text
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>地域とともに" in html
    assert "kato@example.org" in html
    # Answers the company left alone are not listed.
    assert "リサイクル" not in html
    english = changes_section(client.get(f"/staff/responses/{rid}?lang=en").text)
    assert "Changes since the previous submission" in english and "Submission 1" in english
    assert '<ins class="chip">Solar</ins>' in english and "Entered by staff: kato@example.org" in english


def test_a_resubmission_without_an_earlier_snapshot_says_so(app, client, round_, staff):
    token = submitted(client)
    rid = response_of(app, token).id
    with db_of(app) as db:  # as if submitted before the history was kept
        first = submissions(db, rid)[0].id
        db.exec(delete(SubmittedAnswer).where(SubmittedAnswer.submission_id == first))
        db.exec(delete(Submission).where(Submission.id == first))
        db.commit()
    return_it(app, token, staff)
    resubmit(app, token, {"staff": 20})
    log_in(client)
    html = changes_section(client.get(f"/staff/responses/{rid}?lang=en").text)
    assert "There is no snapshot of the earlier submission" in html and "<ins" not in html


def test_a_resubmission_with_no_changed_answer_says_so(app, client, round_, staff):
    token = submitted(client)
    rid = response_of(app, token).id
    return_it(app, token, staff)
    resubmit(app, token)
    log_in(client)
    html = changes_section(client.get(f"/staff/responses/{rid}?lang=en").text)
    assert "No answer changed." in html and "±0" in html


def test_the_tiny_survey_has_the_questions_these_tests_change():
    q, errors = load(SURVEY)
    assert not [e for e in errors if not e.warning]
    assert {"staff", "energy", "story", "motto", "recycle"} <= set(q.question_index)
