"""Staff: interview mode, entering a company's answers with it (or from its paper form)."""

from __future__ import annotations

from assess.web.csrf import FormRouter

router = FormRouter()
