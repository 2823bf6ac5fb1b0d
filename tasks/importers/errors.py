"""The one exception the importer raises for input a person must fix."""


class ImportFailure(Exception):  # noqa: N818 — the public name the callers were promised
    """Raised with a Chinese message meant to be shown to the office user as is."""
