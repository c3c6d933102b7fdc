"""Questionnaire engine: definition files read, checked and built into typed models;
question types, conditions and page validation. Pure logic."""
