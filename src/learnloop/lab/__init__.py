"""The lab: run any model of the map on real data (``try``) and a baseline leaderboard (``baseline``).

Pure computation: nothing here writes to the learner's database. Heavy libraries (pandas, scikit-learn,
matplotlib, xgboost) are imported inside the functions that use them.
"""
