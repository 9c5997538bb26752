"""Repositories: rows in, domain values out. All SQL of the write side lives here, one module
per aggregate; the unit of work (`db/uow.py`) builds them on its session."""
