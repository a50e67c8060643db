"""The map page (rendered once per process), search, topic cards, the resource catalog."""

from __future__ import annotations

from ..conftest import Web, alert


def test_map_is_a_tree_of_every_topic(web: Web) -> None:
    atlas = web.server.atlas()
    page = web.get("/map").text
    assert f"{len(atlas.topics)} topics" in page
    assert page.count('<details class="branch"') == len({t.kind for t in atlas.topics.values()}) + 2
    for topic in list(atlas.topics.values())[:: max(1, len(atlas.topics) // 10)]:
        assert f'href="/map/{topic.id}"' in page
    assert "Data sets that work offline" in page and "penguins" in page


def test_map_page_is_rendered_once_and_served_from_memory(web: Web) -> None:
    first = web.get("/map")
    cached = web.server.page_cache["map"]
    second = web.get("/map")
    assert first.content == second.content == cached
    assert "frame-ancestors 'none'" in second.headers["content-security-policy"]


def test_search_ranks_topics_and_links_them(web: Web) -> None:
    page = web.get("/map", params={"q": "graph neural"}).text
    assert "Search the map" in page
    assert 'href="/map/graph-neural-networks"' in page or 'href="/focus/graph-neural-networks"' in page


def test_search_with_nothing_to_look_for_is_a_400(web: Web) -> None:
    response = web.get("/map", params={"q": "!!!"})
    assert response.status_code == 400
    assert alert(response) == "search for at least one letter or digit"


def test_search_without_hits_says_so(web: Web) -> None:
    page = web.get("/map", params={"q": "zzzzqqqq xxyyzz"}).text
    assert "Nothing on the map matches" in page


def test_topic_card_shows_related_topics_and_resources(web: Web) -> None:
    atlas = web.server.atlas()
    topic = next(t for t in atlas.topics.values() if t.related and atlas.resources_for(t.id))
    page = web.get(f"/map/{topic.id}").text
    assert topic.name in page
    for other in topic.related:
        assert f'href="/map/{other}"' in page
    assert atlas.resources_for(topic.id)[0].title.replace("&", "&amp;").replace("'", "&#39;") in page


def test_model_card_has_a_run_button(web: Web) -> None:
    atlas = web.server.atlas()
    model = next(t for t in atlas.topics.values() if t.model and t.model.lab)
    page = web.get(f"/map/{model.id}").text
    assert f'action="/lab/try/{model.model.lab}"' in page
    assert model.model.estimator in page


def test_unknown_topic_is_a_404_with_did_you_mean(web: Web) -> None:
    response = web.get("/map/random-forrest")
    assert response.status_code == 404
    message = alert(response) or ""
    assert message.startswith("no topic called 'random-forrest'")
    assert "random-forest" in message


def test_resources_filter_by_kind_level_topic_and_cost(web: Web) -> None:
    atlas = web.server.atlas()
    books = [r for r in atlas.resources.values() if r.kind == "book"]
    page = web.get("/resources", params={"kind": "book"}).text
    assert f"{len(books)} resource" in page
    page = web.get("/resources", params={"kind": "book", "free": "1", "level": "beginner"}).text
    expected = [r for r in books if r.free and r.level == "beginner"]
    assert f"{len(expected)} resource" in page


def test_resources_with_an_unknown_kind_is_a_400(web: Web) -> None:
    response = web.get("/resources", params={"kind": "tweet"})
    assert response.status_code == 400
    assert (alert(response) or "").startswith("unknown resource kind 'tweet'")


def test_datasets_page_lists_every_offline_data_set(web: Web) -> None:
    atlas = web.server.atlas()
    page = web.get("/datasets").text
    for dataset in atlas.datasets.values():
        assert f'id="{dataset.id}"' in page
    assert 'href="/datasets#penguins"' in web.get("/map").text
