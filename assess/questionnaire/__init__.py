"""Questionnaire engine: definition files read, checked and built into typed models; question types; conditions; page validation. Pure logic."""
