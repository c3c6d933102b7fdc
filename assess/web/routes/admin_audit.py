"""Admins: the audit log, filtered and exported."""

from __future__ import annotations

from assess.web.csrf import FormRouter

router = FormRouter()
