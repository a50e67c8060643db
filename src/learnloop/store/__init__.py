"""Persistence: SQLAlchemy models, the engine, Alembic migrations, export and import."""
