"""Adapters for the outside world: calendars, passwords, currencies, mail, gateways."""
