"""Answers of Sentry shared by the Reads of one provider-host process.

A refresh sends every resource's ``Read`` at once, from a pool of threads and through one
provider instance per kind. Many of them need the same answer: three settings kinds read the
same project, two the same organisation, every monitor is on the same few pages of the
organisation's monitor list. ``SharedReads`` fetches such an answer once for all of them:

* the first reader fetches it; readers asking meanwhile wait for that answer (no second
  request);
* each reader is answered from it once per item (a reader is a kind, an item a project or an
  object): a second Read of the same thing by the same kind, after a change made in Sentry,
  asks Sentry again, and so does any Read once the answer is older than ``ttl``;
* an answer that was an error (a 404: the object is gone) is shared like any other;
* a write to an item (``wrote``) or a path (``forget``) takes it out, so the next Read of it
  asks Sentry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

# How long one answer serves Reads: a refresh takes seconds; a write made in between by this
# process takes its item out anyway.
ANSWER_TTL = 30.0


@dataclass
class _Answer:
    fetched: float
    value: Any = None
    error: BaseException | None = None
    served: set[tuple[str, Hashable]] = field(default_factory=set)
    written: set[Hashable] = field(default_factory=set)


# What _fresh answers for an item this process wrote since the answer was fetched.
WRITTEN = _Answer(fetched=0.0)


class SharedReads:
    def __init__(self, ttl: float = ANSWER_TTL, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._answers: dict[str, _Answer] = {}
        self._lock = threading.Lock()
        self._gates: dict[str, threading.Lock] = {}

    def _fresh(self, key: str, reader: str, item: Hashable) -> _Answer | None:
        """The answer under ``key`` if it may serve ``reader`` for ``item`` (marked served),
        ``WRITTEN`` if this process wrote the item since."""
        answer = self._answers.get(key)
        if answer is None or self._clock() - answer.fetched > self.ttl:
            return None
        if (reader, item) in answer.served:
            return None
        if item in answer.written:
            return WRITTEN
        answer.served.add((reader, item))
        return answer

    def answer(self, key: str, load: Callable[[], Any], *, reader: str,
               item: Hashable = None) -> Any:
        """The value under ``key`` for ``reader``'s Read of ``item``: from the shared answer
        when it may serve, else fetched by ``load`` (once, however many ask at once); None
        when this process wrote ``item`` since the answer was fetched (the caller reads it
        on its own rather than fetch the whole answer again). An error ``load`` raised is
        raised again for every reader it serves."""
        with self._lock:
            found = self._fresh(key, reader, item)
            gate = self._gates.setdefault(key, threading.Lock())
        if found is WRITTEN:
            return None
        if found is None:
            with gate:
                with self._lock:
                    found = self._fresh(key, reader, item)
                if found is WRITTEN:
                    return None
                if found is None:
                    started = self._clock()
                    try:
                        fetched = _Answer(started, value=load())
                    except Exception as exc:  # shared, then raised to every reader
                        fetched = _Answer(started, error=exc)
                    fetched.served.add((reader, item))
                    with self._lock:
                        self._answers[key] = fetched
                    found = fetched
        if found.error is not None:
            raise found.error
        return found.value

    def wrote(self, key: str, item: Hashable) -> None:
        """``item`` of the answer under ``key`` was written: it no longer answers for it."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                answer.written.add(item)

    def forget(self, key: str) -> None:
        with self._lock:
            self._answers.pop(key, None)
