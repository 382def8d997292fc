"""Running a corpus query from a thread worker and posting its answer to a widget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from qatui.corpus.store.read_pool import Corpus, QueryCancelled
from qatui.corpus.store.reader import CorpusReader

Answer = TypeVar("Answer")


@dataclass
class QueryFailed(Message):
    """A query failed for a reason other than cancellation: the app says so and goes on."""

    reason: str


def query_and_post(
    sender: MessagePump,
    corpus: Corpus,
    query: Callable[[CorpusReader], Answer],
    answer: Callable[[Answer], Message],
    failure: str,
) -> None:
    """Run ``query`` on a pooled connection and post ``answer(result)`` to ``sender``.

    Call it from a thread worker: the worker's cancellation interrupts the query inside SQLite,
    and a cancelled query posts nothing. Any other error posts :class:`QueryFailed` (which
    bubbles up to the app), never an exception into the UI.
    """
    worker = get_current_worker()
    try:
        with corpus.reader(lambda: worker.is_cancelled) as reader:
            result = query(reader)
    except QueryCancelled:
        return
    except Exception as error:
        sender.post_message(QueryFailed(f"{failure}: {error}"))
        return
    if not worker.is_cancelled:
        sender.post_message(answer(result))
