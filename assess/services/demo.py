"""Demo data: four rounds and fictional companies at every stage, some of them over two
fiscal years (FY2024 and FY2025) with an action plan.

All companies, people and places of business here are invented.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from assess.db import write_transaction
from assess.models import Action, CaseStudy, Company, Contact, Response, Round, utcnow
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.registry import Registry
from assess.questionnaire.sample import sample_answers
from assess.scoring.catalogue import PracticeCatalogue
from assess.services import demo_photos
from assess.services.accounts import create_user
from assess.services.case_studies import save_case_study
from assess.services.directory import publish_round
from assess.services.invitations import create_invitation, find_invitation, start_from_invitation
from assess.services.mail_events import queue_invitations
from assess.services.photos import add_photo
from assess.services.responses import find_response, load_answers, save_answers, start_response, submit
from assess.services.review import act
from assess.vocab import ActionStatus, PhotoKind, ResponseStatus, ReviewAction, Role, RoundStatus

DEMO_EMAIL = "demo-admin@example.org"
DEMO_PASSWORD = "demo-password-2025"
QUESTIONNAIRE = "community-sme"
PUBLISHED = ("saga-2019", "tama-2019")  # rounds the demo puts in the public directory
DEMO_ROUNDS = [
    dict(
        slug="saga-2019",
        name_ja="佐賀県 地域に根ざす中小企業調査 2019年度",
        name_en="Saga Prefecture community-based SME survey FY2019",
        region="佐賀県 / Saga Prefecture",
        fiscal_year=2019,
        organiser_ja="さが地域サステナビリティ支援ネットワーク（架空）",
        organiser_en="Saga Community Sustainability Support Network (fictional)",
        questionnaire_version=1,
    ),
    dict(
        slug="tama-2019",
        name_ja="東京・多摩地域 中小企業サステナビリティ調査 2019年度",
        name_en="Tama region, Tokyo SME sustainability survey FY2019",
        region="東京都多摩地域 / Tama region, Tokyo",
        fiscal_year=2019,
        organiser_ja="多摩まちづくり企業フォーラム（架空）",
        organiser_en="Tama Community Business Forum (fictional)",
        questionnaire_version=1,
    ),
    dict(
        slug="saga-2024",
        name_ja="佐賀県 地域に根ざす中小企業調査 2024年度",
        name_en="Saga Prefecture community-based SME survey FY2024",
        region="佐賀県 / Saga Prefecture",
        fiscal_year=2024,
        organiser_ja="さが地域サステナビリティ支援ネットワーク（架空）",
        organiser_en="Saga Community Sustainability Support Network (fictional)",
        questionnaire_version=2,
    ),
    dict(
        slug="saga-2025",
        name_ja="佐賀県 地域に根ざす中小企業調査 2025年度",
        name_en="Saga Prefecture community-based SME survey FY2025",
        region="佐賀県 / Saga Prefecture",
        fiscal_year=2025,
        organiser_ja="さが地域サステナビリティ支援ネットワーク（架空）",
        organiser_en="Saga Community Sustainability Support Network (fictional)",
        questionnaire_version=2,
    ),
]


@dataclass
class DemoCompany:
    round_slug: str
    name: str
    prefecture: str
    municipality: str
    industry: str
    employees: str
    founded: int
    status: ResponseStatus  # draft, submitted, returned or approved
    strength: float  # 0..1: how much the company already does
    motto: str
    story: str
    locale: str = "ja"
    core: tuple[str, ...] = ()  # what the business itself does (questionnaire version 2 asks)


S = ResponseStatus
COMPANIES = [
    DemoCompany(
        "saga-2019",
        "有田焼みらい窯株式会社",
        "saga",
        "有田町",
        "manufacturing",
        "emp_21_50",
        1921,
        S.APPROVED,
        0.8,
        "やきものの町の手仕事を、次の百年へ",
        "窯元として地元の陶工を育て、毎年の陶器市では町内の店と協力して観光客を迎えています。窯の燃料を重油から電気に切り替え、陶片は再生粘土として使っています。",
    ),
    DemoCompany(
        "saga-2019",
        "伊万里グリーン農園株式会社",
        "saga",
        "伊万里市",
        "agriculture_forestry",
        "emp_6_20",
        1998,
        S.APPROVED,
        0.7,
        "土と人を育てる農業を地域とともに",
        "耕作放棄地を借り受けて米と野菜を作り、地元の小学校の田植え体験を受け入れています。規格外の野菜は市内の子ども食堂に届けています。",
    ),
    DemoCompany(
        "saga-2019",
        "唐津みなと建設株式会社",
        "saga",
        "唐津市",
        "construction",
        "emp_51_100",
        1965,
        S.APPROVED,
        0.6,
        "災害に強いまちを、地元の若者とつくる",
        "市と災害時応援協定を結び、豪雨の際には重機と人員を出しています。地元の工業高校からインターンを受け入れ、毎年数名を採用しています。",
    ),
    DemoCompany(
        "saga-2019",
        "鳥栖リサイクルセンター有限会社",
        "saga",
        "鳥栖市",
        "services_nec",
        "emp_21_50",
        1987,
        S.RETURNED,
        0.55,
        "ごみを資源に、まちを循環に",
        "地域の事業所から出る廃プラスチックと古紙を回収し、再生資源として出荷しています。",
    ),
    DemoCompany(
        "saga-2019",
        "嬉野茶房株式会社",
        "saga",
        "嬉野市",
        "accommodation_food",
        "emp_6_20",
        2008,
        S.SUBMITTED,
        0.45,
        "お茶の香りで旅人と町をつなぐ",
        "地元の茶農家から直接仕入れた茶葉を使い、温泉街の旅館と共同で茶の体験を企画しています。",
    ),
    DemoCompany(
        "saga-2019",
        "武雄山林株式会社",
        "saga",
        "武雄市",
        "agriculture_forestry",
        "emp_6_20",
        1952,
        S.DRAFT,
        0.5,
        "森と人がともに生きる山づくり",
        "",
    ),
    DemoCompany(
        "tama-2019",
        "国立まちの食卓株式会社",
        "tokyo",
        "国立市",
        "accommodation_food",
        "emp_21_50",
        2011,
        S.APPROVED,
        0.75,
        "地元の畑から、楽しい食卓を次の世代へ",
        "多摩の農家から野菜を仕入れ、惣菜と弁当にして販売しています。売れ残りは地域の福祉施設と分け合い、食品ロスを減らしています。",
    ),
    DemoCompany(
        "tama-2019",
        "八王子メタル工業株式会社",
        "tokyo",
        "八王子市",
        "manufacturing",
        "emp_51_100",
        1972,
        S.APPROVED,
        0.65,
        "安全第一、環境と地域の信頼を大切に",
        "工場の騒音と排水を近隣の方と一緒に確認する会を年二回開いています。"
        "ISO 14001を取得し、屋根に太陽光パネルを設置しました。",
    ),
    DemoCompany(
        "tama-2019",
        "Tama Bright Services Ltd.",
        "tokyo",
        "多摩市",
        "services_nec",
        "emp_6_20",
        2015,
        S.SUBMITTED,
        0.35,
        "Making every neighbour feel at home",
        "We clean and maintain apartment blocks in the new town and help older residents with small repairs.",
        locale="en",
    ),
    DemoCompany(
        "tama-2019",
        "日野ものづくり協同組合",
        "tokyo",
        "日野市",
        "manufacturing",
        "emp_21_50",
        1978,
        S.RETURNED,
        0.5,
        "小さな工場が力を合わせて",
        "組合員の町工場が共同で受注し、若手の技能講習を合同で行っています。",
    ),
    DemoCompany(
        "tama-2019",
        "府中ケアネット株式会社",
        "tokyo",
        "府中市",
        "medical_welfare",
        "emp_101_300",
        2003,
        S.SUBMITTED,
        0.6,
        "住み慣れたまちで、いつまでも",
        "訪問介護と配食を組み合わせ、地域包括支援センターや自治会と見守りの仕組みをつくっています。",
    ),
    DemoCompany(
        "tama-2019",
        "Koganei Green Design LLC",
        "tokyo",
        "小金井市",
        "professional_technical",
        "emp_1_5",
        2019,
        S.DRAFT,
        0.3,
        "Design that grows with the community",
        "",
        locale="en",
    ),
    DemoCompany(
        "saga-2025",
        "有田焼みらい窯株式会社",
        "saga",
        "有田町",
        "manufacturing",
        "emp_21_50",
        1921,
        S.APPROVED,
        0.8,
        "やきものの町の手仕事を、次の百年へ",
        "若手陶工の育成を続け、陶片を再生粘土にする取り組みを町内の窯元に広げました。",
        core=("traditional_crafts",),
    ),
    DemoCompany(
        "saga-2025",
        "伊万里グリーン農園株式会社",
        "saga",
        "伊万里市",
        "agriculture_forestry",
        "emp_6_20",
        1998,
        S.SUBMITTED,
        0.7,
        "土と人を育てる農業を地域とともに",
        "有機栽培の面積を広げ、市内の小学校の給食に野菜を届けています。",
        core=("sustainable_farming", "local_food"),
    ),
    DemoCompany(
        "saga-2025",
        "唐津みなと建設株式会社",
        "saga",
        "唐津市",
        "construction",
        "emp_51_100",
        1965,
        S.APPROVED,
        0.6,
        "災害に強いまちを、地元の若者とつくる",
        "橋と道路の維持管理を担い、豪雨の際には市と協力して復旧にあたっています。",
        core=("local_infrastructure",),
    ),
    DemoCompany(
        "saga-2025",
        "鳥栖リサイクルセンター有限会社",
        "saga",
        "鳥栖市",
        "services_nec",
        "emp_21_50",
        1987,
        S.APPROVED,
        0.55,
        "ごみを資源に、まちを循環に",
        "事業所の廃プラスチックと古紙を回収し、再生資源として地域の工場に届けています。",
        core=("recycling_waste",),
    ),
    DemoCompany(
        "saga-2025",
        "嬉野茶房株式会社",
        "saga",
        "嬉野市",
        "accommodation_food",
        "emp_6_20",
        2008,
        S.DRAFT,
        0.45,
        "お茶の香りで旅人と町をつなぐ",
        "",
        core=("cultural_tourism", "local_food"),
    ),
]


# The same companies a year before (FY2024, approved), doing a little less.
EARLIER = {
    c.name: replace(c, round_slug="saga-2024", status=S.APPROVED, strength=max(0.2, c.strength - 0.2))
    for c in COMPANIES
    if c.round_slug == "saga-2025" and c.status != S.DRAFT
}
A = ActionStatus
# (title, practice, status, due in days from today): every state, one of them overdue.
ACTIONS = [
    ("事務所と工場の照明をすべてLEDに替える", "energy_efficiency", A.DONE, -90),
    ("屋根に太陽光発電を設置できるか見積もりを取る", "renewable_energy", A.IN_PROGRESS, 45),
    ("地元の高校からインターンシップを受け入れる", "internships", A.PLANNED, -14),
    ("環境報告書を毎年発行する", "information_disclosure", A.NOT_FEASIBLE, 120),
]
OWNERS = ["山口 さくら", "中島 健太", "古賀 美咲", "松尾 大輔"]


def _biased_answers(q: Questionnaire, rng: random.Random, strength: float) -> dict:
    """Generated answers where a weaker company more often picks "none" or "no"."""
    answers = sample_answers(q, rng, skip_optional=0.2)
    for question in q.questions:
        if not question.scored or question.id not in answers or rng.random() < strength:
            continue
        exclusive = [o.value for o in question.options if o.exclusive]
        if question.type == "multiple_choice" and exclusive:
            answers[question.id] = [exclusive[0]]
            answers.pop(f"{question.id}.other", None)
        elif question.type == "yes_no_na":
            answers[question.id] = "no"
        elif question.type == "scale":
            answers[question.id] = rng.randint(1, 2)
        elif question.options:
            worst = min(question.options, key=lambda o: o.score)
            answers[question.id] = worst.value
    return answers


def has_data(db: Session) -> bool:
    return db.exec(select(Round.id)).first() is not None


def create_demo_rounds(db: Session, registry: Registry) -> dict[str, Round]:
    rounds = {}
    for fields in DEMO_ROUNDS:
        q = registry.get(QUESTIONNAIRE, int(fields["questionnaire_version"]))
        rounds[str(fields["slug"])] = Round(questionnaire_id=q.id, **fields)
    # The current round closes in three weeks: the dashboard shows it among the rounds closing soon.
    rounds["saga-2025"].closes_on = utcnow().date() + timedelta(days=21)
    with write_transaction(db):
        db.add_all(rounds.values())
    for round_ in rounds.values():
        db.refresh(round_)
    return rounds


def create_demo(
    db: Session,
    rounds: dict[str, Round],
    registry: Registry,
    practices: PracticeCatalogue,
    secret: str,
    store: Path | None = None,
) -> dict[str, str]:
    """Companies at every stage; returns each company's private link (the latest one of a name).
    Some companies answered in FY2024 too: their FY2025 response starts from those answers
    (carried forward, then partly changed), and they keep an action plan. With the attachment
    `store`, the case studies get drawn photos and logos."""
    staff = create_user(db, DEMO_EMAIL, Role.ADMIN, "デモ管理者", password=DEMO_PASSWORD)
    rng = random.Random(2019)
    links: dict[str, str] = {}
    known: dict[str, Company] = {}
    for position, c in enumerate(COMPANIES):
        round_ = rounds[c.round_slug]
        q = registry.get(QUESTIONNAIRE, round_.questionnaire_version)
        company = known.get(c.name)
        if company is None:  # the company's first round
            company = known[c.name] = _company(db, c)
            links[c.name] = _respond(db, round_, q, company, c, rng, practices, staff, position)
            continue
        earlier = EARLIER.get(c.name)
        if earlier is not None:  # it answered last year too, and planned actions
            before = _respond(db, rounds["saga-2024"], q, company, earlier, rng, practices, staff, position)
            _plan_actions(db, company, before, rng)
        # Invited again: it starts from its last answers; a draft has not confirmed them yet.
        token = _invited(db, round_, company, registry, c.locale, secret)
        answers = _changed(db, token, q, c, rng) if c.status != ResponseStatus.DRAFT else {}
        links[c.name] = _respond(
            db, round_, q, company, c, rng, practices, staff, position, token=token, answers=answers
        )
    with write_transaction(db):  # last year's round is over
        rounds["saga-2024"].status = RoundStatus.CLOSED
        db.add(rounds["saga-2024"])
    for round_ in rounds.values():  # the open rounds' invitations wait in the outbox
        if round_.status == RoundStatus.OPEN:
            queue_invitations(db, round_, DEMO_EMAIL)
    if store is not None:
        _add_pictures(db, store, staff)
    for slug in PUBLISHED:  # the booklet rounds are in the public directory too
        publish_round(db, rounds[slug], staff, True)
    return links


def _add_pictures(db: Session, store: Path, staff) -> None:
    """One to three drawn photos and a logo for each case study, all but one case with photos."""
    studies = db.exec(select(CaseStudy).order_by(CaseStudy.id)).all()
    for n, study in enumerate(studies):
        response = db.get(Response, study.response_id)
        count = (1, 2, 3, 0)[n % 4]
        for i in range(count):
            ja, en = demo_photos.SCENES[i]
            data = demo_photos.scene(study.response_id * 10 + i)
            texts = (ja, en, "デモ写真")
            add_photo(
                db, store, response, io.BytesIO(data), "demo.jpg", PhotoKind.PHOTO, texts, True, staff.email
            )
        if n % 2 == 0:
            data = demo_photos.logo(study.response_id)
            add_photo(
                db,
                store,
                response,
                io.BytesIO(data),
                "logo.png",
                PhotoKind.LOGO,
                ("", "", ""),
                True,
                staff.email,
            )


def _company(db: Session, c: DemoCompany) -> Company:
    company = Company(
        name=c.name,
        prefecture=c.prefecture,
        municipality=c.municipality,
        industry=c.industry,
        employees=c.employees,
        founded=c.founded,
    )
    db.add(company)
    db.flush()
    # A fictional contact at a reserved domain, so the demo's messages reach nobody.
    db.add(Contact(company_id=company.id, email=f"contact{company.id}@example.jp", locale=c.locale))
    db.commit()
    db.refresh(company)
    return company


def _answers(q: Questionnaire, c: DemoCompany, rng: random.Random) -> dict:
    """Plausible answers for the company: its profile, business and consent as given."""
    roles = q.roles
    answers = _biased_answers(q, rng, c.strength)
    fixed = {
        "company.name": c.name,
        "company.prefecture": c.prefecture,
        "company.municipality": c.municipality,
        "company.industry": c.industry,
        "company.employees": c.employees,
        "company.founded": c.founded,
        "narrative.motto": c.motto,
        "narrative.story": c.story or None,
    }
    for role, value in fixed.items():
        if role in roles:
            answers[roles[role].id] = value
    if "core_business" in q.question_index:
        answers["core_business"] = list(c.core) or ["none"]
        answers.pop("core_business.other", None)
    if "consent.publication" in roles:
        answers[roles["consent.publication"].id] = ["motto", "story", "initiatives", "challenges", "support"]
    answers = {k: v for k, v in answers.items() if v not in (None, "")}
    if c.status == ResponseStatus.DRAFT:  # halfway: the first three sections only
        early = {qq.id for s in q.sections[:3] for qq in s.questions}
        answers = {k: v for k, v in answers.items() if k.split(".")[0] in early}
    return answers


def _respond(db, round_, q, company, c, rng, practices, staff, position, token=None, answers=None) -> str:
    """The company's response to the round, taken to the demo company's stage; its link."""
    if token is None:
        response, token = start_response(db, round_, q, c.locale, company_id=company.id)
    else:
        response = find_response(db, token)
    answers = answers if answers is not None else _answers(q, c, rng)
    if answers:
        save_answers(db, response, answers, response.revision, q)
        db.refresh(response)
    if c.status == ResponseStatus.DRAFT:
        return token
    submit(db, response, q, practices, response.revision)
    if c.status == ResponseStatus.RETURNED:
        act(db, response, staff, ReviewAction.RETURN, "従業員の研修についての回答をもう一度ご確認ください。")
    elif c.status == ResponseStatus.APPROVED:
        act(db, response, staff, ReviewAction.APPROVE)
        texts = {"motto": c.motto, "story": c.story, "initiatives": c.story, "challenges": "", "support": ""}
        save_case_study(db, response, staff, q, load_answers(db, response.id), texts, True, position)
    return token


def _invited(
    db: Session, round_: Round, company: Company, registry: Registry, locale: str, secret: str
) -> str:
    """The company follows an invitation to the new round: its last answers are carried."""
    token = create_invitation(db, round_, company, secret)
    invitation = find_invitation(db, token)
    start_from_invitation(db, invitation, round_, registry, locale, token)
    return token


def _changed(db: Session, token: str, q: Questionnaire, c: DemoCompany, rng: random.Random) -> dict:
    """A year later: the carried answers, a third of them answered anew (and so confirmed)."""
    carried = load_answers(db, find_response(db, token).id)
    fresh = _answers(q, c, rng)
    changed = {k: v for k, v in fresh.items() if k not in carried or rng.random() < 0.35}
    return {**carried, **changed}


def _plan_actions(db: Session, company: Company, token: str, rng: random.Random) -> None:
    """An action plan in every state, made from the FY2024 response's next steps."""
    response = find_response(db, token)
    today = utcnow().date()
    with write_transaction(db):
        company.plan_published = True  # its case study may show the plan
        db.add(company)
        for title, practice, status, due in ACTIONS:
            db.add(
                Action(
                    company_id=company.id,
                    response_id=response.id,
                    title=title,
                    practice=practice,
                    owner=rng.choice(OWNERS),
                    due_on=today + timedelta(days=due),
                    status=status,
                    note="",
                )
            )
