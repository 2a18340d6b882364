"""The review editor: a person checks and fixes an alignment in the browser, and the aligner
realigns the rest around the fixes (`aligntm review`). See PROTOCOL.md for the page's API.
Exports are imported on first use, so that `aligntm --help` does not load them."""
from ..lazy import lazy_exports

__getattr__ = lazy_exports(__name__, {
    "SUFFIX": ".journal", "is_review_file": ".journal",
    "Review": ".reviewed", "load_review": ".reviewed",
    "ReviewSession": ".session", "realign_rows": ".session", "start_review": ".session",
})

__all__ = ["SUFFIX", "Review", "ReviewSession", "is_review_file", "load_review", "realign_rows", "start_review"]
