"""assess: SME sustainability self-assessment and SDG-target mapping."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("assess")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0"
