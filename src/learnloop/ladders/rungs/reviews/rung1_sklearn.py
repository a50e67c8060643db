"""Movie reviews, rung 1: is this movie review fresh or rotten? TF-IDF and a linear model in scikit-learn.

``TfidfVectorizer`` turns each review into a long vector of word weights (frequent in this review, rare
elsewhere = heavy); ``LogisticRegression`` learns one weight per word: positive words push towards
fresh, negative ones towards rotten. Run it: ``python rung1_sklearn.py``.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import movie_reviews


def run(epochs: int = 1000, seed: int = 0, report: Report = quiet) -> RungResult:
    data = movie_reviews()
    model = make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression(C=1.0, max_iter=epochs))
    model.fit(data.x_train, data.y_train)
    report(1, 1)
    predicted = model.predict(data.x_test)
    accuracy = sum(p == y for p, y in zip(predicted, data.y_test, strict=True)) / len(data.y_test)
    vocabulary = len(model.named_steps["tfidfvectorizer"].vocabulary_)
    return RungResult("accuracy", float(accuracy), predicted.tolist(), {"words": vocabulary})


if __name__ == "__main__":
    print(run())
