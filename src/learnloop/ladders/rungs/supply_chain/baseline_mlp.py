"""Supply chain, baseline: a small neural network (scikit-learn's MLPClassifier) on features only.

Same hidden size as the GCN rungs, no links: the difference between this and the rungs is what the
graph adds, not what a non-linear model adds. Run it: ``python baseline_mlp.py``.
"""

from __future__ import annotations

from sklearn.neural_network import MLPClassifier

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import supply_chain


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    graph = supply_chain()
    x, y = graph.features, graph.labels
    model = MLPClassifier(hidden_layer_sizes=(16,), alpha=1e-2, max_iter=500, random_state=seed)
    model.fit(x[graph.train], y[graph.train])
    report(1, 1)
    predicted = model.predict(x[graph.test])
    return RungResult("accuracy", float((predicted == y[graph.test]).mean()), predicted.tolist())


if __name__ == "__main__":
    print(run())
