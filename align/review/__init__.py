"""The review editor: a person checks and fixes an alignment in the browser, and the aligner
realigns the rest around the fixes (`aligntm review`). See PROTOCOL.md for the page's API."""
from .journal import SUFFIX, is_review_file
from .reviewed import Review, load_review
from .session import ReviewSession, realign_rows, start_review

__all__ = ["SUFFIX", "Review", "ReviewSession", "is_review_file", "load_review", "realign_rows", "start_review"]
