"""Running work in thread workers and posting its answer, or :class:`WorkFailed`, to a widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from qatui.corpus.store.read_pool import Corpus, QueryCancelled
from qatui.corpus.store.reader import CorpusReader
from qatui.tui.messages import WorkFailed

Answer = TypeVar("Answer")


def query_and_post(
    sender: MessagePump,
    corpus: Corpus,
    query: Callable[[CorpusReader], Answer],
    answer: Callable[[Answer], Message],
    failure: str,
) -> None:
    """Run ``query`` on a pooled connection and post ``answer(result)`` to ``sender``.

    Call it from a thread worker: the worker's cancellation interrupts the query inside SQLite,
    and a cancelled query posts nothing.
    """
    worker = get_current_worker()

    def run() -> Answer:
        with corpus.reader(lambda: worker.is_cancelled) as reader:
            return query(reader)

    run_and_post(sender, run, answer, failure)


def run_and_post(
    sender: MessagePump,
    job: Callable[[], Answer],
    answer: Callable[[Answer], Message] | None,
    failure: str,
) -> None:
    """Run ``job`` (from a thread worker) and post ``answer(result)`` to ``sender``.

    Any error but a cancellation posts :class:`WorkFailed` ("``failure``: why"), which bubbles
    up to the app: never an exception into the UI, never a silent failure.
    """
    worker = get_current_worker()
    try:
        result = job()
    except QueryCancelled:
        return
    except Exception as error:
        sender.post_message(WorkFailed(f"{failure}: {error}"))
        return
    if answer is not None and not worker.is_cancelled:
        sender.post_message(answer(result))
