"""Step 5 on the web: capture, rank with arrows, keep one, close; text shows as text."""

from __future__ import annotations

import re

from ..conftest import Web


def _ids(web: Web) -> list[int]:
    return [int(i) for i in re.findall(r'action="/gaps/(\d+)/move"', web.get("/gaps").text)[::2]]


def test_script_in_a_gap_is_shown_as_text(web: Web) -> None:
    web.start()
    web.ok("/gaps", {"text": "<script>alert('x')</script> what is a kernel?"})
    page = web.get("/gaps").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; what is a kernel?" in page
    assert web.rows()["gaps"][0][2] == "<script>alert('x')</script> what is a kernel?"


def test_gap_needs_text_and_a_known_topic(web: Web) -> None:
    web.start()
    assert web.refused("/gaps", {"text": "  "}).startswith("describe the gap")
    assert "no topic called" in web.refused("/gaps", {"text": "x", "topic": "bayes-stuff"}, status=404)


def test_arrows_reorder_the_open_gaps(web: Web) -> None:
    web.start()
    for text in ("first", "second", "third"):
        web.ok("/gaps", {"text": text})
    a, b, c = _ids(web)
    web.ok(f"/gaps/{c}/move", {"direction": "up"})
    assert _ids(web) == [a, c, b]
    web.ok(f"/gaps/{a}/move", {"direction": "down"})
    assert _ids(web) == [c, a, b]
    web.ok(f"/gaps/{c}/move", {"direction": "up"})  # already first: stays
    assert _ids(web) == [c, a, b]
    assert web.refused(f"/gaps/{a}/move", {"direction": "sideways"}) == "move a gap up or down"
    missing = web.refused("/gaps/999/move", {"direction": "up"}, status=404)  # no such id: not found
    assert missing.startswith("gap 999 is not among the open gaps")
    assert web.refused("/gaps/abc/move", {"direction": "up"}) == "'gap id' must be a whole number"


def test_keep_one_at_step_5_then_close_it(web: Web) -> None:
    web.to_step(4)
    web.ok("/gaps", {"text": "regularisation", "topic": "cross-validation"})
    web.ok("/gaps", {"text": "what is a kernel"})
    first, _second = _ids(web)
    assert "a gap is kept at step 5" in web.refused(f"/gaps/{first}/keep", {"days": "3"})
    web.ok("/project", {"title": "P", "days": "7", "dataset": "penguins"})
    web.ok("/project/done", {"summary": "done"})
    web.ok("/next")
    assert web.refused(f"/gaps/{first}/keep", {"days": "9"}).startswith("a gap is time-boxed to 1-7 days")
    assert web.refused(f"/gaps/{first}/keep", {"days": "x"}) == "the number of days must be a whole number"
    response = web.ok(f"/gaps/{first}/keep", {"days": "3"})
    assert 'Kept: <span class="gap-text">regularisation</span>' in response.text
    assert 'href="/map/cross-validation"' in response.text
    assert "what is a kernel" not in response.text.split("Write down a gap")[0].split("Open gaps")[1]
    assert web.refused("/gaps/extend", {"days": "9", "reason": "x"}).startswith("a gap may last 7 days at most")
    web.ok("/gaps/extend", {"days": "1", "reason": "flu"})
    assert web.refused("/gaps/done", {"learned": ""}).startswith("say what you learned")
    response = web.ok("/gaps/done", {"learned": "L2 shrinks weights"})
    assert "Gap closed" in response.text
    every = web.get("/gaps?all=1").text
    assert "set aside" in every and "L2 shrinks weights" in every


def test_drop_the_kept_gap(web: Web) -> None:
    web.to_step(5)
    web.ok("/gaps", {"text": "a"})
    [gap] = _ids(web)
    web.ok(f"/gaps/{gap}/keep", {"days": "2"})
    assert web.refused("/gaps/drop", {"reason": " "}).startswith("say why you drop it")
    web.ok("/gaps/drop", {"reason": "not needed"})
    assert web.refused("/gaps/done", {"learned": "x"}).startswith("no gap kept yet")
