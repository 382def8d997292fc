"""The user's own state (read marks, bookmarks, history), kept apart from the corpus.

Never imports Textual: the app calls it from workers.
"""

from qatui.userstate.corpus_filter import (
    STATE_SCHEMA,
    attach_state,
    detach_state,
    only_bookmarked,
    only_read,
    only_unread,
    use_state_of_corpus,
)
from qatui.userstate.store import (
    STATE_DB_ENV,
    Bookmark,
    HistoryEntry,
    UserState,
    UserStateError,
    resolve_state_path,
)

__all__ = [
    "STATE_DB_ENV",
    "STATE_SCHEMA",
    "Bookmark",
    "HistoryEntry",
    "UserState",
    "UserStateError",
    "attach_state",
    "detach_state",
    "only_bookmarked",
    "only_read",
    "only_unread",
    "resolve_state_path",
    "use_state_of_corpus",
]
