"""The small exception tree of SCR Atlas.

Library code raises these; the CLI turns any of them into a one-line message (``scr: ...``)
and a non-zero exit code. Errors about one document are never raised out of a run: they are
recorded on the document's row (status + reason) and the run goes on.
"""


class AtlasError(Exception):
    """Base class: a problem the user can act on, shown as one line."""


class ConfigError(AtlasError):
    """A sources file, taxonomy or setting is missing or malformed."""


class StoreError(AtlasError):
    """The data directory or catalogue cannot be used (missing, locked, newer schema)."""


class FetchError(AtlasError):
    """A URL could not be fetched (after retries); recorded, never fatal to a crawl."""


class QueryError(AtlasError):
    """A search query could not be understood as written."""


class IndexBusy(AtlasError):
    """Another process is writing the search index."""
