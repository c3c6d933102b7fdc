"""Bilingual text: every string a definition file gives people exists in Japanese and English."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Text:
    ja: str
    en: str

    def get(self, locale: str) -> str:
        return self.ja if locale == "ja" else self.en
