"""Stage 2 of loading: check a read document against the questionnaire format, collecting
every error, and assemble the parts of the model as it goes.

The assembled parts are only frozen into a `Questionnaire` (stage 3, in
`loader.py`) when no error was found.
"""

from __future__ import annotations

from typing import Any

from assess.definitions.checker import Checker, kind_of
from assess.definitions.errors import did_you_mean, valid_list
from assess.definitions.reader import KeyPath
from assess.questionnaire.conditions import find_cycles, parse_condition
from assess.questionnaire.model import (
    NARRATIVE_KEYS,
    OTHER,
    ROLES,
    Area,
    MaturityLevel,
    Option,
    Question,
    Scale,
    Section,
)
from assess.questionnaire.types import REGISTRY, QuestionType

TOP = {
    "id": True,
    "version": True,
    "title": True,
    "description": True,
    "estimated_minutes": True,
    "areas": True,
    "maturity_levels": True,
    "option_lists": False,
    "sections": True,
}
AREA = {"id": True, "label": True, "description": False}
LEVEL = {"id": True, "min": True, "label": True, "description": False}
SECTION = {"id": True, "title": True, "intro": False, "area": False, "questions": True}
OPTION = {
    "value": True,
    "label": True,
    "score": False,
    "practices": False,
    "exclusive": False,
    "not_applicable": False,
}
SCALE = {"min_label": True, "max_label": True, "scores": False}
COMMON = {
    "id": True,
    "type": True,
    "label": True,
    "help": False,
    "required": False,
    "weight": False,
    "show_if": False,
    "role": False,
    "attachments": False,
    "attachments_max": False,
}
MAX_ATTACHMENTS = 20  # files per response (services.attachments.MAX_FILES), so per question too
TYPE_FIELDS = sorted({f for t in REGISTRY.values() for f in t.fields})
QUESTION = {**COMMON, **{f: False for f in TYPE_FIELDS}}


class SchemaChecker(Checker):
    def run(self) -> dict[str, Any] | None:
        top = self.mapping((), self.doc.data, TOP, "a questionnaire mapping (id, version, title, ...)")
        if top is None:
            return None
        parts: dict[str, Any] = {}
        parts["id"] = self.ident(("id",), top.get("id")) if "id" in top else None
        parts["version"] = self.integer((), top, "version")
        parts["title"] = self.text(("title",), top["title"]) if "title" in top else None
        parts["description"] = (
            self.text(("description",), top["description"]) if "description" in top else None
        )
        parts["estimated_minutes"] = self.integer((), top, "estimated_minutes")
        parts["areas"] = self.areas(top.get("areas"))
        parts["maturity_levels"] = self.levels(top.get("maturity_levels"))
        self.option_lists = self.lists(top.get("option_lists"))
        parts["sections"] = self.sections(top.get("sections"), {a.id for a in parts["areas"]})
        return parts

    def areas(self, raw: Any) -> tuple[Area, ...]:
        out, seen = [], dict[str, KeyPath]()
        for i, item in enumerate(self.items(("areas",), raw, "areas")):
            path = ("areas", i)
            if self.mapping(path, item, AREA) is None:
                continue
            aid = self.ident(path + ("id",), item.get("id"))
            self.unique(seen, "area id", aid, path + ("id",))
            label = self.text(path + ("label",), item.get("label")) if "label" in item else None
            desc = self.optional_text(path, item, "description")
            if aid and label:
                out.append(Area(aid, label, desc))
        return tuple(out)

    def levels(self, raw: Any) -> tuple[MaturityLevel, ...]:
        out, seen = [], dict[str, KeyPath]()
        previous = None
        for i, item in enumerate(self.items(("maturity_levels",), raw, "maturity_levels")):
            path = ("maturity_levels", i)
            if self.mapping(path, item, LEVEL) is None:
                continue
            lid = self.ident(path + ("id",), item.get("id"))
            self.unique(seen, "level id", lid, path + ("id",))
            low = self.number(path, item, "min")
            label = self.text(path + ("label",), item.get("label")) if "label" in item else None
            desc = self.optional_text(path, item, "description")
            if low is not None:
                if i == 0 and low != 0:
                    self.err("Q311", path + ("min",), detail=f"the first level starts at {low:g}, not 0")
                elif previous is not None and low <= previous:
                    self.err(
                        "Q311",
                        path + ("min",),
                        detail=f"min {low:g} is not above the previous level's {previous:g}",
                    )
                elif low > 100:
                    self.err("Q311", path + ("min",), detail=f"min {low:g} is above 100")
                previous = low
            if lid and label and low is not None:
                out.append(MaturityLevel(lid, low, label, desc))
        return tuple(out)

    def lists(self, raw: Any) -> dict[str, tuple[Option, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.err(
                "Q102", ("option_lists",), expected="a mapping of list names to options", found=kind_of(raw)
            )
            return {}
        out = {}
        for name, items in raw.items():
            path = ("option_lists", str(name))
            if self.ident(path, name):
                out[name] = self.options(path, items, scored=False, multiple=False)
        return out

    def sections(self, raw: Any, area_ids: set[str]) -> tuple[Section, ...]:
        sections = self.items(("sections",), raw, "sections")
        # Every question's position first, so conditions can tell "later" from "unknown".
        self.order: dict[str, int] = {}
        for s in sections:
            qs = s.get("questions") if isinstance(s, dict) else None
            for q in qs if isinstance(qs, list) else []:
                if isinstance(q, dict) and isinstance(q.get("id"), str):
                    self.order.setdefault(q["id"], len(self.order))
        self.built: dict[str, Question] = {}
        self.refs: list = []
        self.roles: dict[str, str] = {}
        out: list[Section] = []
        seen_sections: dict[str, KeyPath] = {}
        self.seen_questions: dict[str, KeyPath] = {}
        for i, item in enumerate(sections):
            path = ("sections", i)
            if self.mapping(path, item, SECTION) is None:
                continue
            sid = self.ident(path + ("id",), item.get("id"))
            self.unique(seen_sections, "section id", sid, path + ("id",))
            title = self.text(path + ("title",), item.get("title")) if "title" in item else None
            intro = self.optional_text(path, item, "intro")
            area = item.get("area")
            if area is not None and area not in area_ids:
                self.err(
                    "Q208",
                    path + ("area",),
                    name=area,
                    suggestion=did_you_mean(area, area_ids),
                    valid=valid_list(area_ids),
                )
                area = None
            questions = [
                self.question(path + ("questions", j), q, sid or "", area)
                for j, q in enumerate(self.items(path + ("questions",), item.get("questions"), "questions"))
            ]
            if sid and title:
                out.append(Section(sid, title, tuple(q for q in questions if q), intro, area))
        for cycle, edge in find_cycles(self.refs):
            self.err("Q204", edge, cycle=" -> ".join(cycle))
        return tuple(out)

    def question(self, path: KeyPath, raw: Any, section_id: str, area: str | None) -> Question | None:
        if self.mapping(path, raw, QUESTION) is None:
            return None
        qid = self.ident(path + ("id",), raw.get("id"))
        self.unique(self.seen_questions, "question id", qid, path + ("id",))
        label = self.text(path + ("label",), raw.get("label")) if "label" in raw else None
        tname, qtype = self.question_type(path, raw)
        fields: dict[str, Any] = {
            "required": self.boolean(path, raw, "required"),
            "help": self.optional_text(path, raw, "help"),
        }
        fields.update(self.attachment_fields(path, raw))
        fields["weight"] = self.weight(path, raw, tname, qtype, area)
        scored = fields["weight"] > 0
        if qtype is not None:
            fields.update(self.type_fields(path, raw, tname, qtype, scored))
        if raw.get("role") is not None:
            fields["role"] = self.role(
                path + ("role",), raw["role"], qid or "?", tname, fields.get("options", ())
            )
        if "show_if" in raw and qid:
            fields["show_if"] = parse_condition(
                self, path + ("show_if",), raw["show_if"], qid, self.built, self.order, self.refs
            )
        if not (qid and label and qtype):
            return None
        question = Question(
            id=qid,
            type=tname,
            label=label,
            section_id=section_id,
            scored=scored,
            line=self.doc.line(path),
            **fields,
        )
        self.built.setdefault(qid, question)
        return question

    def attachment_fields(self, path: KeyPath, raw: dict) -> dict[str, Any]:
        """`attachments: true` lets the company attach files; `attachments_max` caps their number."""
        allowed = self.boolean(path, raw, "attachments")
        most = raw.get("attachments_max")
        if most is None:
            return {"attachments": allowed}
        if isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= MAX_ATTACHMENTS:
            expected = f"a whole number from 1 to {MAX_ATTACHMENTS}"
            self.err(
                "Q302",
                path + ("attachments_max",),
                field="attachments_max",
                expected=expected,
                found=kind_of(most),
            )
            most = None
        elif not allowed:
            self.err("Q318", path + ("attachments_max",))
        return {"attachments": allowed, "attachments_max": most}

    def question_type(self, path: KeyPath, raw: dict) -> tuple[Any, QuestionType | None]:
        tname = raw.get("type")
        qtype = REGISTRY.get(tname) if isinstance(tname, str) else None
        if "type" in raw and qtype is None:
            self.err(
                "Q301",
                path + ("type",),
                name=tname,
                suggestion=did_you_mean(tname, REGISTRY),
                valid=", ".join(sorted(REGISTRY)),
            )
        return tname, qtype

    def weight(
        self, path: KeyPath, raw: dict, tname: Any, qtype: QuestionType | None, area: str | None
    ) -> float:
        """The points a question is worth: 0 unless its type scores and its section has an area."""
        scored_type = qtype is not None and qtype.scored and area is not None
        weight = self.number(path, raw, "weight", 1.0, minimum=0)
        if "weight" in raw and qtype is not None and not scored_type:
            reason = "its section has no area" if area is None else f"type {tname} earns no points"
            self.err("Q303", path + ("weight",), field="weight", reason=reason)
        return weight if scored_type and weight is not None else 0.0

    def type_fields(
        self, path: KeyPath, raw: dict, tname: str, qtype: QuestionType, scored: bool
    ) -> dict[str, Any]:
        """The fields only some types have, checked against the type."""
        for key in TYPE_FIELDS:
            if key in raw and key not in qtype.fields:
                self.err("Q306", path + (key,), field=key, qtype=tname)
        fields: dict[str, Any] = {}
        if qtype.choice:
            fields.update(self.choice_fields(path, raw, tname, scored))
        if tname == "scale":
            fields.update(self.scale_fields(path, raw))
        if tname == "number":
            fields.update(self.number_fields(path, raw))
        if "max_length" in raw and "max_length" in qtype.fields:
            fields["max_length"] = self.integer(path, raw, "max_length")
        if "practices" in raw and "practices" in qtype.fields:
            fields["practices"] = self.id_list(path + ("practices",), raw["practices"], "practices")
        return fields

    def scale_fields(self, path: KeyPath, raw: dict) -> dict[str, Any]:
        pmin = raw.get("practice_min", 4)
        if isinstance(pmin, bool) or not isinstance(pmin, int) or not 1 <= pmin <= 5:
            self.err("Q313", path + ("practice_min",), value=pmin)
            pmin = 4
        return {"scale": self.scale(path + ("scale",), raw.get("scale")), "practice_min": pmin}

    def number_fields(self, path: KeyPath, raw: dict) -> dict[str, Any]:
        low, high = self.number(path, raw, "min"), self.number(path, raw, "max")
        if low is not None and high is not None and low > high:
            self.err("Q307", path + ("min",), min=f"{low:g}", max=f"{high:g}")
        return {
            "unit": self.optional_text(path, raw, "unit"),
            "min": low,
            "max": high,
            "integer": self.boolean(path, raw, "integer"),
        }

    def choice_fields(self, path: KeyPath, raw: dict, tname: str, scored: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"other": self.boolean(path, raw, "other")}
        multiple = tname == "multiple_choice"
        if "options" in raw and "options_from" in raw:
            self.err("Q305", path)
        if "options" in raw:
            out["options"] = self.options(path + ("options",), raw["options"], scored, multiple)
        elif "options_from" in raw:
            name = raw["options_from"]
            if name not in self.option_lists:
                names = list(self.option_lists)
                self.err(
                    "Q209",
                    path + ("options_from",),
                    name=name,
                    suggestion=did_you_mean(name, names),
                    valid=valid_list(names) or "(none defined)",
                )
            out["options"] = self.option_lists.get(name, ())
        else:
            self.err("Q304", path, qtype=tname)
        if multiple:
            out["max_score"] = self.number(path, raw, "max_score", minimum=0)
        if scored and out.get("options") and not any(o.score > 0 for o in out["options"]):
            self.err("Q315", path, name=raw.get("id"))
        return out

    def options(self, path: KeyPath, raw: Any, scored: bool, multiple: bool) -> tuple[Option, ...]:
        out, seen = [], dict[str, KeyPath]()
        for i, item in enumerate(self.items(path, raw, "options")):
            opath = path + (i,)
            if self.mapping(opath, item, OPTION) is None:
                continue
            value = item.get("value")
            if value == OTHER:
                self.err("Q310", opath + ("value",))
                value = None
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)  # `value: 1` is written often enough to accept
            else:
                value = self.ident(opath + ("value",), value) if "value" in item else None
            self.unique(seen, "option value", value, opath + ("value",))
            label = self.text(opath + ("label",), item.get("label")) if "label" in item else None
            score = self.number(opath, item, "score", 0.0, minimum=0) or 0.0
            if "score" in item and not scored:
                self.err("Q303", opath + ("score",), field="score", reason="the question earns no points")
            practices = (
                self.id_list(opath + ("practices",), item["practices"], "practices")
                if "practices" in item
                else ()
            )
            exclusive = self.boolean(opath, item, "exclusive")
            if exclusive and not multiple:
                self.err("Q309", opath + ("exclusive",))
            not_applicable = self.boolean(opath, item, "not_applicable")
            if not_applicable and multiple and not exclusive:
                self.err("Q316", opath + ("not_applicable",))
            if value and label:
                out.append(Option(value, label, score, practices, exclusive, not_applicable))
        if sum(o.not_applicable for o in out) > 1:
            self.err("Q317", path, found=sum(o.not_applicable for o in out))
        return tuple(out)

    def scale(self, path: KeyPath, raw: Any) -> Scale | None:
        if raw is None:
            self.err("Q104", path[:-1], field="scale")
            return None
        if self.mapping(path, raw, SCALE) is None:
            return None
        lo = self.text(path + ("min_label",), raw.get("min_label")) if "min_label" in raw else None
        hi = self.text(path + ("max_label",), raw.get("max_label")) if "max_label" in raw else None
        scores = raw.get("scores", [0, 1, 2, 3, 4])
        if not (
            isinstance(scores, list)
            and len(scores) == 5
            and all(isinstance(s, (int, float)) and not isinstance(s, bool) and s >= 0 for s in scores)
        ):
            self.err(
                "Q308",
                path + ("scores",),
                found=kind_of(scores) if not isinstance(scores, list) else f"{len(scores)} items",
            )
            scores = [0, 1, 2, 3, 4]
        return Scale(lo, hi, tuple(float(s) for s in scores)) if lo and hi else None

    def role(self, path: KeyPath, role: Any, qid: str, tname: Any, options: tuple[Option, ...]) -> str | None:
        if role not in ROLES:
            self.err(
                "Q210",
                path,
                name=role,
                suggestion=did_you_mean(str(role), ROLES),
                valid=valid_list(ROLES, 20),
            )
            return None
        if role in self.roles:
            self.err("Q211", path, name=role, other=self.roles[role])
            return None
        self.roles[role] = qid
        if role == "consent.publication":
            if tname != "multiple_choice":
                self.err(
                    "Q207",
                    path,
                    test="role consent.publication",
                    name=qid,
                    qtype=tname,
                    fix_hint="make the consent question a multiple_choice",
                )
            for i, option in enumerate(options):
                if option.value not in NARRATIVE_KEYS and not option.exclusive:
                    self.err(
                        "Q314",
                        path[:-1] + ("options", i, "value"),
                        value=option.value,
                        suggestion=did_you_mean(option.value, NARRATIVE_KEYS),
                        valid=", ".join(NARRATIVE_KEYS),
                    )
        return role
