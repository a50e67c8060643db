"""Supply chain, baseline: logistic regression on each firm's own features, links ignored.

The bar every graph rung must clear: if a model that never looks at a firm's suppliers and buyers does
as well, the graph is not worth its trouble. Run it: ``python baseline_features_only.py``.
"""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import supply_chain


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    graph = supply_chain()
    x, y = graph.features, graph.labels
    model = LogisticRegression(max_iter=2000).fit(x[graph.train], y[graph.train])
    report(1, 1)
    predicted = model.predict(x[graph.test])
    return RungResult("accuracy", float((predicted == y[graph.test]).mean()), predicted.tolist())


if __name__ == "__main__":
    print(run())
