"""/metrics: the metric dictionary, each entry's page and its calculator."""

from skillgap.dictionary.views import bp

__all__ = ["bp"]
