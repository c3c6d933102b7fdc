"""Staff: printable blank questionnaires, for a questionnaire version or a known invitation."""

from __future__ import annotations

from assess.web.csrf import FormRouter

router = FormRouter()
