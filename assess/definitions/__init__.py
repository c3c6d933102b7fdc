"""Definitions: what every definition file shares (coded errors, the line-numbered reader,
the checker, bilingual text)."""
