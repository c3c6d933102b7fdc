"""Evidence: files attached to answers, for the company's link and for staff; document requests."""

from __future__ import annotations

from assess.web.csrf import FormRouter

router = FormRouter()
