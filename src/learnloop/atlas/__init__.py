"""The knowledge base: the map of machine learning as validated data files, with search."""
