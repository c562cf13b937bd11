"""With Celery eager (a laptop, the tests), tasks enqueued during a request run after its response.

A worker runs the tasks a request enqueues once that request has answered; eager mode used to run
them inside it, so validating three entries waited for three evaluations and three PDF renders.
``AfterResponseTask`` (the Celery app's task class) keeps eager tasks enqueued during a request in
a per-thread list; ``request_finished`` (sent when the server closes the response, after the body
went out) runs them in order. Outside a request (shell, commands, Celery itself) or with a real
broker nothing changes. Coalescing locks (evaluations, fiche PDFs) stay held until the queued task
runs, so a burst still gives one evaluation and one render per contract.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from celery import Task
from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)

_state = threading.local()


def _pending() -> list[Callable[[], object]] | None:
    return getattr(_state, "pending", None)


def request_begins(**kwargs) -> None:
    _state.pending = []


def request_ends(**kwargs) -> None:
    """Run the eager tasks the request enqueued (in order); re-raise the first failure."""
    pending, _state.pending = _pending(), None
    failures = []
    for run in pending or ():
        try:
            run()
        except Exception as exc:  # the others still run
            logger.exception("Tâche exécutée après la réponse en échec")
            failures.append(exc)
    if failures:
        raise failures[0]


class AfterResponseTask(Task):
    """Celery task whose eager runs wait for the end of the current request, if any."""

    def apply_async(self, args=None, kwargs=None, **options):
        pending = _pending()
        if pending is None or not self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, **options)
        pending.append(lambda: super(AfterResponseTask, self).apply_async(args, kwargs, **options))
        return None


request_started.connect(request_begins, dispatch_uid="cotri.after_response.begin")
request_finished.connect(request_ends, dispatch_uid="cotri.after_response.end")
