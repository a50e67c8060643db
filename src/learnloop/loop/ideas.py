"""Step 4's menu: the project ideas of each focus and the offline data sets they use, as rows to list."""

from __future__ import annotations

from pydantic import BaseModel

from learnloop.atlas.load import Atlas


class DatasetRow(BaseModel):
    id: str
    name: str
    task: str
    form: str  # table or graph
    rows: int
    columns: int
    target: str | None
    licence: str | None  # an SPDX id, "public domain", or "see source" where none could be confirmed
    licence_source: str | None  # where the licence was read
    source: str
    summary: str
    ideas: list[str] = []  # the project ideas that use it


class IdeaRow(BaseModel):
    id: str
    title: str
    focus_id: str
    focus_name: str
    summary: str
    days: int
    dataset: DatasetRow
    stretch: str | None = None


def _dataset_row(atlas: Atlas, dataset_id: str, ideas: list[str]) -> DatasetRow:
    d = atlas.dataset(dataset_id)
    return DatasetRow(
        id=d.id,
        name=d.name,
        task=d.task,
        form=d.form,
        rows=d.rows,
        columns=d.columns,
        target=d.target,
        licence=d.licence,
        licence_source=d.licence_source,
        source=d.source,
        summary=d.summary,
        ideas=ideas,
    )


def list_ideas(atlas: Atlas, focus_id: str | None = None) -> list[IdeaRow]:
    """Every project idea, or those of one focus (an unknown id says "did you mean")."""
    focuses = [atlas.focus(focus_id)] if focus_id else list(atlas.focuses.values())
    return [
        IdeaRow(
            id=i.id,
            title=i.title,
            focus_id=f.id,
            focus_name=f.name,
            summary=i.summary,
            days=i.days,
            dataset=_dataset_row(atlas, i.dataset, [i.id]),
            stretch=i.stretch,
        )
        for f in focuses
        for i in f.ideas
    ]


def list_datasets(atlas: Atlas, focus_id: str | None = None) -> list[DatasetRow]:
    """Every offline data set of the map, or those a focus's ideas use, with the ideas that use each."""
    users: dict[str, list[str]] = {}
    for f in [atlas.focus(focus_id)] if focus_id else atlas.focuses.values():
        for i in f.ideas:
            users.setdefault(i.dataset, []).append(i.id)
    ids = list(users) if focus_id else sorted(atlas.datasets)
    return [_dataset_row(atlas, d, users.get(d, [])) for d in ids]


def idea(atlas: Atlas, idea_id: str) -> IdeaRow:
    """One idea by id; an unknown one says "did you mean"."""
    from learnloop.atlas.load import close_ids
    from learnloop.errors import NotFound

    rows = {r.id: r for r in list_ideas(atlas)}
    if idea_id not in rows:
        raise NotFound("project idea", idea_id, close_ids(idea_id, rows.keys()))
    return rows[idea_id]
