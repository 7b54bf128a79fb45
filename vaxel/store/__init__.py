"""Persistence adapter: SQLAlchemy models, repositories, Alembic migrations, event journal."""
