"""Tiny inline questionnaire definitions for tests."""

from textwrap import dedent

from assess.questionnaire.loader import load_text

# 13 lines; sections start on line 14.
HEAD = """\
id: t
version: 1
title: {ja: テスト, en: Test}
description: {ja: 説明, en: Description}
estimated_minutes: 5
areas:
  - id: env
    label: {ja: 環境, en: Environment}
maturity_levels:
  - {id: starting, min: 0, label: {ja: 着手, en: Starting}}
  - {id: developing, min: 40, label: {ja: 発展, en: Developing}}
  - {id: leading, min: 80, label: {ja: 先導, en: Leading}}
sections:
"""
HEAD_LINES = HEAD.count("\n")


def definition(sections: str) -> str:
    return HEAD + dedent(sections).strip("\n") + "\n"


def load(sections: str, file: str = "t-v1.yaml"):
    return load_text(definition(sections), file)


def errors_of(sections: str) -> list:
    questionnaire, errors = load(sections)
    return [e for e in errors if not e.warning]


def codes(sections: str) -> list[str]:
    return [e.code for e in errors_of(sections)]


def line_of(sections: str, needle: str) -> int:
    """Line number (1-based) in the full definition of the first line containing needle."""
    for number, line in enumerate(definition(sections).splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in definition")


VALID = """
- id: s1
  title: {ja: 環境, en: Environment}
  area: env
  questions:
    - id: energy
      type: multiple_choice
      required: true
      label: {ja: 省エネ, en: Energy saving}
      options:
        - {value: led, label: {ja: LED, en: LED}, score: 1, practices: [energy_efficiency]}
        - {value: solar, label: {ja: 太陽光, en: Solar}, score: 2, practices: [renewable_energy]}
        - {value: none, label: {ja: 特にない, en: None of these}, exclusive: true}
      other: true
    - id: staff
      type: number
      label: {ja: 従業員数, en: Employees}
      unit: {ja: 人, en: people}
      min: 0
      max: 1000
      integer: true
    - id: detail
      type: long_text
      label: {ja: 詳細, en: Details}
      show_if: {not: {question: energy, contains: none}}
    - id: recycle
      type: yes_no_na
      required: true
      weight: 2
      label: {ja: リサイクル, en: Recycling}
      practices: [recycling]
    - id: rating
      type: scale
      label: {ja: 評価, en: Rating}
      scale: {min_label: {ja: 低い, en: Low}, max_label: {ja: 高い, en: High}}
      show_if: {question: staff, gte: 10}
"""


PRACTICES = """\
weights: {direct: 1.0, indirect: 0.5}
goal_levels: {some: 0.5, strong: 2.0}
practices:
  - id: energy_efficiency
    label: {ja: 省エネ, en: Energy efficiency}
    prevalence: 0.85
    targets:
      - {target: "7.3", strength: direct, rationale: {ja: 効率改善です。, en: It improves energy efficiency.}}
    suggestion: {ja: LED照明から始めましょう。, en: Start with LED lighting.}
  - id: renewable_energy
    label: {ja: 再エネ, en: Renewable energy}
    prevalence: 0.2
    sse: [economic]
    targets:
      - {target: "7.2", strength: direct, rationale: {ja: 再エネの割合を高めます。, en: It raises the share of renewables.}}
      - {target: "13.3", strength: indirect, rationale: {ja: 気候変動への意識を高めます。, en: It builds climate awareness.}}
    suggestion: {ja: 太陽光パネルを検討しましょう。, en: Consider solar panels.}
  - id: recycling
    label: {ja: リサイクル, en: Recycling}
    prevalence: 0.9
    sse: [social]
    targets:
      - {target: "12.5", strength: direct, rationale: {ja: 廃棄物を減らします。, en: It reduces waste.}}
    suggestion: {ja: 分別から始めましょう。, en: Start by sorting waste.}
"""


# Three pages: a profile, the scored VALID section, and a narrative.
SURVEY = (
    """
- id: profile
  title: {ja: 会社概要, en: Company profile}
  questions:
    - {id: company_name, type: short_text, required: true, role: company.name, label: {ja: 会社名, en: Company name}}
    - id: prefecture
      type: dropdown
      role: company.prefecture
      label: {ja: 都道府県, en: Prefecture}
      options:
        - {value: saga, label: {ja: 佐賀県, en: Saga}}
        - {value: tokyo, label: {ja: 東京都, en: Tokyo}}
"""
    + VALID.replace(
        "- id: s1\n  title: {ja: 環境, en: Environment}", "- id: env\n  title: {ja: 環境, en: Environment}"
    )
    + """
- id: narrative
  title: {ja: 事例, en: Your story}
  questions:
    - {id: motto, type: short_text, role: narrative.motto, label: {ja: モットー, en: Motto}}
    - {id: story, type: long_text, role: narrative.story, label: {ja: 地域とのつながり, en: Ties with the community}}
    - id: support
      type: multiple_choice
      role: support.needed
      label: {ja: 必要な支援, en: Support needed}
      options:
        - {value: finance, label: {ja: 資金, en: Finance}}
        - {value: people, label: {ja: 人材, en: People}}
    - id: consent
      type: multiple_choice
      role: consent.publication
      label: {ja: 公開への同意, en: Consent to publish}
      options:
        - {value: motto, label: {ja: モットー, en: Motto}}
        - {value: story, label: {ja: 地域とのつながり, en: Story}}
        - {value: none, label: {ja: 公開しない, en: Publish nothing}, exclusive: true}
"""
)


# A company profile page with an industry question, to put before VALID.
INDUSTRY = """
- id: p
  title: {ja: 会社, en: Company}
  questions:
    - id: industry
      type: dropdown
      role: company.industry
      label: {ja: 業種, en: Industry}
      options:
        - {value: manufacturing, label: {ja: 製造業, en: Manufacturing}}
        - {value: fisheries, label: {ja: 漁業, en: Fisheries}}
"""
