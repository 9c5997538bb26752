"""The build compiles the message catalogues (locale/*/LC_MESSAGES/messages.po → .mo) next to
their sources, so an installed Recourse reads compiled catalogues; pyproject.toml holds the
rest of the metadata."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for source in Path("src/recourse/locale").glob("*/LC_MESSAGES/messages.po"):
            with source.open("rb") as handle:
                catalogue = read_po(handle, locale=source.parent.parent.name)
            with source.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalogue)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
