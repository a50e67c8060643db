"""A refused form comes back as its own page, with what was typed still in it and the message beside the field.

When a POST fails with a learner-fixable error, the page the form was on (its Referer, on this site) is
rendered again by an internal GET, the form with the same action gets the typed values back, and the error
line goes just above the field it concerns (``UserError.field``), marked ``aria-invalid``. If that page or
form cannot be found, the plain error page is shown instead.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse

from learnloop.web.render import safe_back

_TAG_NAME = re.compile(r'\bname="([^"]+)"')
_SKIP_TYPES = ("hidden", "file", "submit", "button", "password")


async def form_again(request: Request, message: str, field: str | None, status: int) -> HTMLResponse | None:
    if request.method != "POST":
        return None
    typed: dict[str, str] | None = getattr(request.state, "typed", None)
    if typed is None:
        return None
    back = safe_back(request)
    if not request.headers.get("referer"):
        return None
    html = await _get(request, back)
    if html is None:
        return None
    filled = fill_form(html, request.url.path, typed, field, message)
    if filled is None:
        return None
    from learnloop.web.render import SECURITY_HEADERS

    return HTMLResponse(filled, status_code=status, headers=SECURITY_HEADERS)


async def _get(request: Request, target: str) -> str | None:
    parts = urlsplit(target)
    headers = [(k, v) for k, v in request.scope.get("headers", ()) if k not in (b"content-type", b"content-length")]
    scope: dict[str, Any] = {
        **request.scope,
        "method": "GET",
        "path": parts.path,
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "headers": headers,
        "state": {},
    }
    scope.pop("route", None)
    scope.pop("endpoint", None)
    scope.pop("path_params", None)
    started: dict[str, Any] = {}
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await request.app(scope, receive, send)
    if started.get("status") != 200:
        return None
    return b"".join(body).decode("utf-8", "replace")


def fill_form(html: str, action: str, typed: dict[str, str], field: str | None, message: str) -> str | None:
    """The page with the form posting to ``action`` holding ``typed``, and ``message`` beside ``field``."""
    forms = [m for m in re.finditer(r'<form\b[^>]*\baction="' + re.escape(action) + r'"[^>]*>.*?</form>', html, re.S)]
    if not forms:
        return None

    def score(m: re.Match[str]) -> int:
        names = set(_TAG_NAME.findall(m.group(0)))
        return (10 if field and field in names else 0) + len(names & set(typed))

    chosen = max(forms, key=score)
    segment = chosen.group(0)
    for name, value in typed.items():
        segment = _put_value(segment, name, value)
    segment = _put_message(segment, field, message)
    return html[: chosen.start()] + segment + html[chosen.end() :]


def _put_value(segment: str, name: str, value: str) -> str:
    quoted = re.escape(escape(name))

    def input_tag(m: re.Match[str]) -> str:
        tag = m.group(0)
        kind = (re.search(r'\btype="([^"]+)"', tag) or [None, "text"])[1]
        if kind in _SKIP_TYPES:
            return tag
        if kind in ("checkbox", "radio"):
            own = (re.search(r'\bvalue="([^"]*)"', tag) or [None, "on"])[1]
            tag = re.sub(r"\s+checked\b", "", tag)
            return tag[:-1] + " checked>" if own == escape(value) else tag
        tag = re.sub(r'\s+value="[^"]*"', "", tag)
        return tag[:-1].rstrip("/") + f' value="{escape(value)}">'

    segment = re.sub(r'<input\b[^>]*\bname="' + quoted + r'"[^>]*>', input_tag, segment)
    segment = re.sub(
        r'(<textarea\b[^>]*\bname="' + quoted + r'"[^>]*>).*?(</textarea>)',
        lambda m: m.group(1) + escape(value) + m.group(2),
        segment,
        flags=re.S,
    )

    def select_tag(m: re.Match[str]) -> str:
        inner = re.sub(r"\s+selected\b", "", m.group(2))
        inner = inner.replace(f'<option value="{escape(value)}"', f'<option value="{escape(value)}" selected', 1)
        return m.group(1) + inner + m.group(3)

    return re.sub(r'(<select\b[^>]*\bname="' + quoted + r'"[^>]*>)(.*?)(</select>)', select_tag, segment, flags=re.S)


def _put_message(segment: str, field: str | None, message: str) -> str:
    line_id = f"error-{re.sub(r'[^A-Za-z0-9_-]', '-', field or 'form')}"
    line = f'<p class="error field-error" role="alert" id="{line_id}">{escape(message)}</p>'
    if field:
        control = re.search(r'<(input|textarea|select)\b[^>]*\bname="' + re.escape(escape(field)) + r'"[^>]*>', segment)
        if control:
            tag = control.group(0)
            marked = tag[:-1] + f' aria-invalid="true" aria-describedby="{line_id}">'
            segment = segment[: control.start()] + marked + segment[control.end() :]
            ident = re.search(r'\bid="([^"]+)"', tag)
            label = re.search(r'<label\b[^>]*\bfor="' + re.escape(ident.group(1)) + r'"', segment) if ident else None
            at = label.start() if label and label.start() < control.start() else control.start()
            # a control wrapped by its label: the line goes before the label
            wrapping = segment.rfind("<label", 0, control.start())
            if not label and wrapping != -1 and segment.find("</label>", wrapping) > control.start():
                at = wrapping
            return _open_details(segment[:at] + line + segment[at:], at)
    opening = segment.index(">") + 1
    return segment[:opening] + line + segment[opening:]


def _open_details(segment: str, at: int) -> str:
    """A message inside a folded <details> section (the lab's "More choices") is shown: the section opens."""
    start = segment.rfind("<details", 0, at)
    if start == -1 or segment.find("</details>", start, at) != -1:
        return segment
    end = segment.index(">", start)
    tag = segment[start:end]
    return segment if re.search(r"\bopen\b", tag) else segment[:end] + " open" + segment[end:]
