"""The test suite: run with ./setup.sh test (see docs/development.md)."""
