"""Step 0 on the web: rank interests, pin ONE focus, its stack checked here."""

from __future__ import annotations

from ..conftest import Web


def test_ranking_saves_in_the_order_of_the_numbers(web: Web) -> None:
    web.ok("/interests", {"rank-nlp": "2", "rank-graph-neural-networks": "1", "rank-time-series": ""})
    assert [(r[0], r[1]) for r in sorted(web.rows()["interests"], key=lambda r: r[1])] == [
        ("graph-neural-networks", 1),
        ("nlp", 2),
    ]
    page = web.get("/focus").text
    assert page.index("rank-graph-neural-networks") < page.index("rank-nlp") < page.index("rank-time-series")
    assert 'value="1"' in page


def test_ranking_refuses_words_and_nothing(web: Web) -> None:
    assert web.refused("/interests", {"rank-nlp": "first"}).startswith("the rank of 'nlp' must be a whole number")
    assert web.refused("/interests", {"rank-nlp": "0"}).startswith("ranks start at 1")
    assert web.refused("/interests", {"rank-nlp": ""}).startswith("give at least one focus id")


def test_ranking_an_unknown_focus_is_a_404(web: Web) -> None:
    message = web.refused("/interests", {"rank-nlpp": "1"}, status=404)
    assert "no focus called 'nlpp'" in message and "'nlp'" in message


def test_pin_needs_a_pass(web: Web) -> None:
    assert web.refused("/focus", {"focus_id": "nlp"}).startswith("you have not started yet")


def test_pin_a_focus_and_see_its_stack_checked(web: Web) -> None:
    web.ok("/start")
    response = web.ok("/focus", {"focus_id": "tabular-prediction"})
    assert response.url.path == "/focus/tabular-prediction"
    assert "Pinned." in response.text and '<span class="tag good">pinned</span>' in response.text
    assert "scikit-learn" in response.text
    assert '<span class="ok">' in response.text  # scikit-learn is installed here, with its version
    assert web.rows()["passes"][0][5] == "tabular-prediction"


def test_pin_unknown_focus_is_a_404_and_writes_nothing(web: Web) -> None:
    web.ok("/start")
    assert "did you mean" in web.refused("/focus", {"focus_id": "computer-visoin"}, status=404)


def test_pin_without_a_choice_takes_the_top_interest(web: Web) -> None:
    web.ok("/start")
    web.ok("/interests", {"rank-time-series": "1"})
    response = web.ok("/focus", {"focus_id": ""})
    assert response.url.path == "/focus/time-series"


def test_focus_card_of_unknown_focus_is_a_404(web: Web) -> None:
    response = web.get("/focus/no-such-focus")
    assert response.status_code == 404
