"""Presentation: scores and answers as plain values for people (explanations, charts, the
feedback view, labels). No templates, no database."""
