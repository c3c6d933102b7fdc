"""assess: SME sustainability self-assessment and SDG-target mapping."""
