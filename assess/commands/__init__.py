"""Command groups of the `assess` command line."""
