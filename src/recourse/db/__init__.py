"""SQLAlchemy models, repositories, the unit of work, the outbox and read queries."""
