"""Malformed definitions: each yields its coded error at the right line."""

import pytest

from assess.definitions.errors import CATALOGUE
from assess.questionnaire.loader import load_text
from tests.defs import HEAD, VALID, codes, definition, errors_of, line_of


def section(questions: str, area: str = "env") -> str:
    body = "\n".join("    " + line for line in questions.strip("\n").splitlines())
    return f"""
- id: s1
  title: {{ja: 節, en: Section}}
  area: {area}
  questions:
{body}
"""


CHOICE = "{value: a, label: {ja: あ, en: A}, score: 1}"

# (name, sections, expected code, text on the expected line)
CASES = [
    (
        "duplicate question id",
        section("""
- {id: q1, type: yes_no_na, label: {ja: 一, en: One}}
- {id: q1, type: yes_no_na, label: {ja: 二, en: Two}}
"""),
        "Q201",
        "Two",
    ),
    (
        "unknown question type",
        section("- {id: q1, type: single_choise, label: {ja: 一, en: One}}"),
        "Q301",
        "single_choise",
    ),
    (
        "unknown key with suggestion",
        section("""
- id: q1
  type: yes_no_na
  lable: {ja: 一, en: One}
"""),
        "Q103",
        "lable",
    ),
    ("missing label", section("- {id: q1, type: yes_no_na}"), "Q104", "id: q1"),
    ("missing english", section("- {id: q1, type: yes_no_na, label: {ja: 一}}"), "Q401", "id: q1"),
    (
        "empty japanese",
        section("""
- id: q1
  type: yes_no_na
  label:
    ja: ""
    en: One
"""),
        "Q401",
        'ja: ""',
    ),
    (
        "unknown language",
        section("- {id: q1, type: yes_no_na, label: {ja: 一, en: One, fr: Un}}"),
        "Q403",
        "fr: Un",
    ),
    ("text not a mapping", section("- {id: q1, type: yes_no_na, label: One}"), "Q402", "label: One"),
    (
        "unknown question in condition",
        section("""
- {id: local_hiring, type: yes_no_na, label: {ja: 一, en: One}}
- id: q2
  type: yes_no_na
  label: {ja: 二, en: Two}
  show_if: {question: local_hire, equals: "yes"}
"""),
        "Q202",
        "local_hire",
    ),
    (
        "forward reference",
        section("""
- id: q1
  type: yes_no_na
  label: {ja: 一, en: One}
  show_if: {question: q2, equals: "yes"}
- {id: q2, type: yes_no_na, label: {ja: 二, en: Two}}
"""),
        "Q203",
        "question: q2",
    ),
    (
        "self reference cycle",
        section("""
- id: q1
  type: yes_no_na
  label: {ja: 一, en: One}
  show_if: {question: q1, answered: true}
"""),
        "Q204",
        "question: q1",
    ),
    (
        "two tests in one comparison",
        section("""
- {id: q1, type: yes_no_na, label: {ja: 一, en: One}}
- id: q2
  type: yes_no_na
  label: {ja: 二, en: Two}
  show_if: {question: q1, equals: "yes", answered: true}
"""),
        "Q205",
        "show_if",
    ),
    (
        "condition value not an option",
        section(f"""
- id: q1
  type: single_choice
  label: {{ja: 一, en: One}}
  options: [{CHOICE}]
- id: q2
  type: yes_no_na
  label: {{ja: 二, en: Two}}
  show_if: {{question: q1, equals: b}}
"""),
        "Q206",
        "equals: b",
    ),
    (
        "contains on a single choice",
        section(f"""
- id: q1
  type: single_choice
  label: {{ja: 一, en: One}}
  options: [{CHOICE}]
- id: q2
  type: yes_no_na
  label: {{ja: 二, en: Two}}
  show_if: {{question: q1, contains: a}}
"""),
        "Q207",
        "contains: a",
    ),
    (
        "gte on text",
        section("""
- {id: q1, type: short_text, label: {ja: 一, en: One}}
- id: q2
  type: yes_no_na
  label: {ja: 二, en: Two}
  show_if: {question: q1, gte: 3}
"""),
        "Q207",
        "gte: 3",
    ),
    (
        "condition is a string",
        section("""
- {id: q1, type: yes_no_na, label: {ja: 一, en: One}}
- id: q2
  type: yes_no_na
  label: {ja: 二, en: Two}
  show_if: "q1 == 'yes'"
"""),
        "Q212",
        "show_if",
    ),
    (
        "score on a text question",
        section("""
- id: q1
  type: short_text
  label: {ja: 一, en: One}
  weight: 2
"""),
        "Q303",
        "weight: 2",
    ),
    (
        "score on an unscored section",
        section(
            f"""
- id: q1
  type: single_choice
  label: {{ja: 一, en: One}}
  options: [{CHOICE}]
""",
            area="null",
        ),
        "Q303",
        "score: 1",
    ),
    (
        "choice without options",
        section("- {id: q1, type: single_choice, label: {ja: 一, en: One}}"),
        "Q304",
        "id: q1",
    ),
    (
        "empty options",
        section("""
- id: q1
  type: single_choice
  label: {ja: 一, en: One}
  options: []
"""),
        "Q106",
        "options: []",
    ),
    (
        "options on a number",
        section(f"""
- id: q1
  type: number
  label: {{ja: 一, en: One}}
  options: [{CHOICE}]
"""),
        "Q306",
        "options:",
    ),
    (
        "min above max",
        section("- {id: q1, type: number, label: {ja: 一, en: One}, min: 10, max: 1}"),
        "Q307",
        "min: 10",
    ),
    (
        "scale with four scores",
        section("""
- id: q1
  type: scale
  label: {ja: 一, en: One}
  scale:
    min_label: {ja: 低, en: Low}
    max_label: {ja: 高, en: High}
    scores: [0, 1, 2, 3]
"""),
        "Q308",
        "scores:",
    ),
    (
        "exclusive on single choice",
        section("""
- id: q1
  type: single_choice
  label: {ja: 一, en: One}
  options:
    - {value: a, label: {ja: あ, en: A}, score: 1, exclusive: true}
"""),
        "Q309",
        "exclusive: true",
    ),
    (
        "reserved value other",
        section("""
- id: q1
  type: single_choice
  label: {ja: 一, en: One}
  options:
    - {value: other, label: {ja: その他, en: Other}, score: 1}
"""),
        "Q310",
        "value: other",
    ),
    (
        "duplicate option value",
        section("""
- id: q1
  type: single_choice
  label: {ja: 一, en: One}
  options:
    - {value: a, label: {ja: あ, en: A}, score: 1}
    - {value: a, label: {ja: い, en: B}, score: 0}
"""),
        "Q201",
        "en: B",
    ),
    (
        "unknown area",
        section("- {id: q1, type: yes_no_na, label: {ja: 一, en: One}}", area="enviroment"),
        "Q208",
        "area: enviroment",
    ),
    (
        "unknown option list",
        section(
            "- {id: q1, type: dropdown, label: {ja: 一, en: One}, options_from: prefecture}", area="null"
        ),
        "Q209",
        "options_from",
    ),
    ("bad identifier", section("- {id: Q-1, type: yes_no_na, label: {ja: 一, en: One}}"), "Q107", "Q-1"),
    (
        "unknown role",
        section("- {id: q1, type: short_text, label: {ja: 一, en: One}, role: company.nmae}", area="null"),
        "Q210",
        "role",
    ),
    (
        "role used twice",
        section(
            """
- {id: q1, type: short_text, label: {ja: 一, en: One}, role: company.name}
- {id: q2, type: short_text, label: {ja: 二, en: Two}, role: company.name}
""",
            area="null",
        ),
        "Q211",
        "Two",
    ),
    (
        "negative weight",
        section("- {id: q1, type: yes_no_na, label: {ja: 一, en: One}, weight: -1}"),
        "Q312",
        "weight: -1",
    ),
    (
        "scored choice where nothing scores",
        section("""
- id: q1
  type: single_choice
  label: {ja: 一, en: One}
  options:
    - {value: a, label: {ja: あ, en: A}}
"""),
        "Q315",
        "id: q1",
    ),
    (
        "required is not a boolean",
        section("- {id: q1, type: yes_no_na, label: {ja: 一, en: One}, required: sometimes}"),
        "Q302",
        "required",
    ),
    (
        "consent option names no narrative",
        section(
            """
- id: consent
  type: multiple_choice
  label: {ja: 同意, en: Consent}
  role: consent.publication
  options:
    - {value: mottoo, label: {ja: モットー, en: Motto}}
""",
            area="null",
        ),
        "Q314",
        "mottoo",
    ),
    (
        "practice_min outside the scale",
        section("""
- id: q1
  type: scale
  label: {ja: 一, en: One}
  practice_min: 7
  scale: {min_label: {ja: 低, en: Low}, max_label: {ja: 高, en: High}}
"""),
        "Q313",
        "practice_min",
    ),
    (
        "not applicable option that can be combined",
        section("""
- id: q1
  type: multiple_choice
  label: {ja: 一, en: One}
  options:
    - {value: a, label: {ja: あ, en: A}, score: 1}
    - {value: na, label: {ja: 該当なし, en: Not applicable}, not_applicable: true}
"""),
        "Q316",
        "value: na",
    ),
    (
        "two not applicable options",
        section("""
- id: q1
  type: single_choice
  label: {ja: 一, en: One}
  options:
    - {value: a, label: {ja: あ, en: A}, score: 1}
    - {value: na, label: {ja: 該当なし, en: Not applicable}, not_applicable: true}
    - {value: na2, label: {ja: 対象外, en: Does not apply}, not_applicable: true}
"""),
        "Q317",
        "options:",
    ),
]


@pytest.mark.parametrize("name,sections,code,needle", CASES, ids=[c[0] for c in CASES])
def test_malformed_definition(name, sections, code, needle):
    errors = errors_of(sections)
    matching = [e for e in errors if e.code == code]
    assert matching, f"expected {code}, got {[str(e) for e in errors]}"
    assert matching[0].line == line_of(sections, needle), str(matching[0])
    assert matching[0].file == "t-v1.yaml"


def test_at_least_25_distinct_cases():
    assert len({c[1] for c in CASES}) >= 25
    assert len({c[2] for c in CASES}) >= 25


def test_every_code_has_message_and_fix():
    for rule in CATALOGUE.values():
        assert rule.message and rule.fix


def test_did_you_mean_for_misspelt_key_and_question():
    errors = errors_of(CASES[2][1])
    assert "did you mean 'label'?" in str(errors[0])
    unknown = [e for e in errors_of(CASES[8][1]) if e.code == "Q202"][0]
    assert "did you mean 'local_hiring'?" in unknown.message


def test_unknown_type_names_the_valid_types():
    error = errors_of(CASES[1][1])[0]
    assert "did you mean 'single_choice'?" in error.message
    for name in ("multiple_choice", "scale", "yes_no_na", "number", "short_text", "long_text", "dropdown"):
        assert name in error.fix


def test_error_reads_file_line_path_code_message_fix():
    error = [e for e in errors_of(CASES[8][1]) if e.code == "Q202"][0]
    text = str(error)
    assert text.startswith(
        f"t-v1.yaml:{error.line} sections[0].questions[1].show_if.question: Q202 unknown question "
        "'local_hire'"
    )
    assert text.endswith(")")


def test_all_errors_of_a_file_are_collected():
    broken = section("""
- {id: q1, type: single_choise, label: {ja: 一, en: One}}
- {id: q2, type: yes_no_na, label: {ja: 二}}
- {id: q2, type: yes_no_na, label: {ja: 三, en: Three}, colour: red}
""")
    assert sorted(set(codes(broken))) == ["Q103", "Q201", "Q301", "Q401"]


def test_yaml_syntax_error_has_a_line():
    questionnaire, errors = load_text(HEAD + "  - id: [unclosed\n", "bad.yaml")
    assert questionnaire is None
    # The line of the '[' that is never closed, not the end of the file where PyYAML noticed.
    assert errors[0].code == "Q100" and errors[0].line == HEAD.count("\n") + 1
    assert str(errors[0]).startswith(f"bad.yaml:{errors[0].line}: Q100 the file is not valid YAML")
    tab = load_text(HEAD + "  - id: x\n\tbad: 1\n", "bad.yaml")[1][0]
    assert tab.code == "Q115" and tab.line == HEAD.count("\n") + 2


def test_duplicate_yaml_key():
    text = HEAD.replace("version: 1\n", "version: 1\nversion: 2\n") + VALID.strip("\n") + "\n"
    questionnaire, errors = load_text(text, "t-v1.yaml")
    assert [e.code for e in errors] == ["Q101"] and errors[0].line == 3


def test_empty_file_and_wrong_top_level():
    assert load_text("", "e.yaml")[1][0].code == "Q108"
    assert load_text("- a\n- b\n", "e.yaml")[1][0].code == "Q102"


def test_missing_top_level_fields():
    questionnaire, errors = load_text("id: t\n", "t-v1.yaml")
    missing = {e.message for e in errors if e.code == "Q104"}
    assert "required field 'sections' is missing" in missing and len(missing) == 7


def test_maturity_levels_must_rise_from_zero():
    text = definition(VALID).replace("min: 40", "min: 90")
    questionnaire, errors = load_text(text, "t-v1.yaml")
    assert [e.code for e in errors] == ["Q311"] and errors[0].line == 12


def test_cycle_through_forward_references():
    cyc = section("""
- id: q1
  type: yes_no_na
  label: {ja: 一, en: One}
  show_if: {question: q2, answered: true}
- id: q2
  type: yes_no_na
  label: {ja: 二, en: Two}
  show_if: {question: q1, answered: true}
""")
    found = codes(cyc)
    assert "Q203" in found and "Q204" in found
    cycle = [e for e in errors_of(cyc) if e.code == "Q204"][0]
    assert "q1 -> q2 -> q1" in cycle.message or "q2 -> q1 -> q2" in cycle.message


def test_file_name_warning():
    questionnaire, errors = load_text(definition(VALID), "wrong-name.yaml")
    assert questionnaire is not None
    assert [e.code for e in errors] == ["W101"] and errors[0].warning
