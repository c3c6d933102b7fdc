"""Questionnaire engine: definitions, conditions and page validation (pure logic)."""

from assess.questionnaire.loader import load_file, load_text
from assess.questionnaire.model import Question, Questionnaire, Section, Text
from assess.questionnaire.registry import Registry, load_directory

__all__ = ["Question", "Questionnaire", "Registry", "Section", "Text", "load_directory", "load_file", "load_text"]
