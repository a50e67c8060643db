"""Form nonces: each rendered form carries a fresh random value, and a value is acted on once.

A double click or a refresh that re-posts sends the same nonce again; the second request changes
nothing and is sent where the first one went. A refused form gives its nonce back, so the learner can
fix the field and send it again. Nonces are kept in memory (a double submit comes within seconds).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict

from fastapi import Request

KEEP = 10_000
_FIELD = re.compile(r'(<input type="hidden" name="csrf" value="[^"]*">)')
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class AlreadyDone(Exception):
    def __init__(self, location: str | None) -> None:
        super().__init__("this form was already sent")
        self.location = location


class FormNonces:
    def __init__(self) -> None:
        self._seen: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, request: Request, nonce: str) -> None:
        """Mark ``nonce`` used by this request; AlreadyDone if an earlier request used it."""
        if not NONCE.match(nonce):
            return
        with self._lock:
            if nonce in self._seen:
                raise AlreadyDone(self._seen[nonce])
            self._seen[nonce] = None
            while len(self._seen) > KEEP:
                self._seen.popitem(last=False)
        request.state.nonce = nonce

    def settle_nonce(self, nonce: str, location: str | None) -> None:
        """Remember where the form's first request went, for the copies that follow it."""
        with self._lock:
            if nonce in self._seen:
                self._seen[nonce] = location

    def release(self, request: Request) -> None:
        """The form was refused: its nonce may be sent again once the learner has fixed it."""
        nonce = getattr(request.state, "nonce", None)
        if nonce is not None:
            with self._lock:
                self._seen.pop(nonce, None)
            request.state.nonce = None


def add_nonces(html: str) -> str:
    """Give every form of a page (each carries the CSRF field) its own fresh nonce."""
    if 'name="csrf"' not in html:
        return html
    return _FIELD.sub(
        lambda m: f'{m.group(1)}<input type="hidden" name="nonce" value="{secrets.token_urlsafe(12)}">', html
    )
