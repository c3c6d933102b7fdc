"""The SDG catalogue API and the practice catalogue's coded errors."""

import pytest

from assess.scoring.catalogue import cross_check, load_practices_text
from sdg_map import UnknownCodeError, load_catalogue
from tests.defs import INDUSTRY, PRACTICES, VALID, load


def test_catalogue_has_all_goals_and_targets():
    sdg = load_catalogue()
    assert len(sdg.goals()) == 17 and len(sdg.targets()) == 169
    assert (
        sdg.goal(7).color == "#FCC30B"
        and sdg.goal(7).short_in("ja") == "エネルギーをみんなに そしてクリーンに"
    )
    assert [t.code for t in sdg.targets_of(8)][-4:] == ["8.9", "8.10", "8.a", "8.b"]
    assert sdg.target("12.3").text_in("en").startswith("By 2030, halve per capita global food waste")


def test_unknown_codes_name_the_nearest():
    sdg = load_catalogue()
    with pytest.raises(UnknownCodeError) as info:
        sdg.target("8.11")
    assert "8.1" in info.value.nearest and "nearest valid codes" in str(info.value)
    with pytest.raises(UnknownCodeError) as info:
        sdg.goal(18)
    assert info.value.nearest[0] == "17"
    with pytest.raises(KeyError):
        sdg.targets_of(0)


def practices_with(link: str) -> str:
    return PRACTICES.replace(
        '{target: "7.3", strength: direct, rationale: {ja: 効率改善です。, en: It improves energy efficiency.}}',
        link,
    )


def line(text: str, needle: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)


def codes_and_lines(text):
    catalogue, errors = load_practices_text(text)
    return [(e.code, e.line) for e in errors if not e.warning]


def test_valid_catalogue_loads():
    catalogue, errors = load_practices_text(PRACTICES)
    assert errors == [] and catalogue.weights == {"direct": 1.0, "indirect": 0.5}
    assert [link.target for link in catalogue["renewable_energy"].links] == ["7.2", "13.3"]
    assert (
        catalogue.goal_level(0.4) == "none"
        and catalogue.goal_level(0.5) == "some"
        and catalogue.goal_level(2) == "strong"
    )


def test_unknown_target_with_suggestion():
    text = practices_with('{target: "7.7", strength: direct, rationale: {ja: あ, en: A}}')
    catalogue, errors = load_practices_text(text)
    assert (
        errors[0].code == "P101"
        and errors[0].line == line(text, '"7.7"')
        and "did you mean" in errors[0].message
    )


def test_unquoted_target_number_refused():
    text = practices_with("{target: 8.10, strength: direct, rationale: {ja: あ, en: A}}")
    assert codes_and_lines(text) == [("Q302", line(text, "8.10"))]


def test_unknown_strength():
    text = practices_with('{target: "7.3", strength: strong, rationale: {ja: あ, en: A}}')
    assert codes_and_lines(text) == [("P106", line(text, "strength: strong"))]


def test_missing_translation_in_rationale():
    text = practices_with('{target: "7.3", strength: direct, rationale: {ja: あ}}')
    assert codes_and_lines(text) == [("Q401", line(text, "rationale: {ja: あ}"))]


def test_duplicate_link():
    text = PRACTICES.replace(
        '      - {target: "13.3", strength: indirect',
        '      - {target: "7.2", strength: indirect, rationale: {ja: あ, en: A}}\n      - {target: "13.3", '
        "strength: indirect",
    )
    assert codes_and_lines(text) == [("P104", line(text, '"7.2", strength: indirect'))]


def test_too_many_links():
    many = "\n".join(
        f'      - {{target: "7.{n}", strength: direct, rationale: {{ja: あ, en: A}}}}' for n in (1, 2, 3)
    )
    text = PRACTICES.replace(
        '      - {target: "7.3", strength: direct, rationale: {ja: 効率改善です。, en: It improves energy '
        "efficiency.}}",
        many
        + '\n      - {target: "7.a", strength: direct, rationale: {ja: あ, en: A}}\n      - {target: "7.b", strength: direct, rationale: {ja: あ, en: A}}',
    )
    assert ("P105", line(text, "targets:")) in codes_and_lines(text)


def test_unknown_sse_feature():
    text = PRACTICES.replace("sse: [economic]", "sse: [economc]")
    assert codes_and_lines(text) == [("P107", line(text, "economc"))]


def test_duplicate_practice_and_unknown_key():
    text = PRACTICES.replace("  - id: recycling", "  - id: energy_efficiency").replace(
        "    sse: [social]", "    sse: [social]\n    colour: green"
    )
    second = [i for i, row in enumerate(text.splitlines(), 1) if "id: energy_efficiency" in row][1]
    assert sorted(codes_and_lines(text)) == [("Q103", line(text, "colour")), ("Q201", second)]


def test_cross_check_against_questionnaire():
    questionnaire, _ = load(VALID)
    catalogue, _ = load_practices_text(PRACTICES)
    assert cross_check(catalogue, [questionnaire]) == []
    fewer, _ = load_practices_text(PRACTICES.replace("  - id: recycling", "  - id: recycle"))
    problems = cross_check(fewer, [questionnaire])
    assert [(e.code, e.warning) for e in problems] == [("P102", False), ("P103", True)]
    assert (
        problems[0].file == "t-v1.yaml"
        and problems[0].line > 14
        and "did you mean 'recycle'?" in problems[0].message
    )


@pytest.mark.parametrize(
    "value,code",
    [("", "Q104"), ("prevalence: 0", "P108"), ("prevalence: 1.5", "P108"), ("prevalence: often", "Q302")],
)
def test_prevalence_is_required_and_a_share(value, code):
    text = PRACTICES.replace("    prevalence: 0.2\n", f"    {value}\n" if value else "")
    rows = text.splitlines()
    where = rows.index(f"    {value}") + 1 if value else line(text, "id: renewable_energy")
    assert codes_and_lines(text) == [(code, where)]


def test_industries_and_sizes_must_be_offered_by_a_questionnaire():
    sizes_q = load(INDUSTRY + VALID)[0]
    fitting = PRACTICES.replace(
        "    prevalence: 0.2\n", "    prevalence: 0.2\n    industries: [manufacturing, fishery]\n"
    )
    catalogue, errors = load_practices_text(fitting)
    assert errors == [] and catalogue["renewable_energy"].industries == ("manufacturing", "fishery")
    problems = [e for e in cross_check(catalogue, [sizes_q]) if e.code == "P109"]
    assert len(problems) == 1 and "'fishery'" in problems[0].message and "fisheries" in problems[0].message
    assert problems[0].line == line(fitting, "id: renewable_energy")
    assert catalogue["renewable_energy"].fits("manufacturing", None)
    assert not catalogue["renewable_energy"].fits("construction", "emp_1_5")
    assert catalogue["renewable_energy"].fits(None, None)  # an unknown industry is no reason to hide it


def test_core_business_practices_are_marked():
    text = PRACTICES.replace("    prevalence: 0.2\n", "    prevalence: 0.2\n    core: true\n")
    catalogue, errors = load_practices_text(text)
    assert errors == [] and catalogue["renewable_energy"].core and not catalogue["recycling"].core


def test_every_goal_is_reachable_through_two_practices_of_the_latest_questionnaire():
    from typer.testing import CliRunner

    from assess.cli.main import app

    out = CliRunner().invoke(app, ["sdg", "coverage"])
    assert out.exit_code == 0, out.output
    assert "goals reachable through at least two practices: 17 of 17" in out.output
