"""The web face: JSON API for the marketplace, server-rendered pages for people."""
