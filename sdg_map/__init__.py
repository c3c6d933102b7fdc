"""SDG catalogue and practice-to-target mapping (never imports assess)."""
