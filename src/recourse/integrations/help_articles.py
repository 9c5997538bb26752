"""H2: the help centre's articles as written, Markdown files with a small front matter under
`recourse/help/<lang>/<slug>.md`:

    ---
    title: Cancel an order before it ships
    summary: One sentence for the list and the search results.
    keywords: optional, extra words search should know
    ---
    The article in Markdown…
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from markdown_it import MarkdownIt

from recourse.i18n import LANGUAGES
from recourse.services.ports.help import HelpArticle

ARTICLES_DIR = Path(__file__).resolve().parent.parent / "help"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_KEYS = frozenset({"title", "summary", "keywords"})

_parser = MarkdownIt("commonmark", {"html": False}).enable("table")


class ArticleFileError(ValueError):
    """An article file that cannot be read as one: a missing front matter or title."""


def split_front_matter(source: str, name: str) -> tuple[dict[str, str], str]:
    lines = source.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ArticleFileError(f"{name}: the file must start with a '---' front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ArticleFileError(f"{name}: the front matter is not closed with '---'") from None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in FRONT_KEYS:
            raise ArticleFileError(f"{name}: unknown front matter line {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[key] = value
    if not meta.get("title") or not meta.get("summary"):
        raise ArticleFileError(f"{name}: the front matter needs a title and a summary")
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def plain_text(markdown: str) -> str:
    """The words of the Markdown without its marks, one block a line: what search reads."""
    blocks: list[str] = []
    for token in _parser.parse(markdown):
        if token.type == "inline" and token.children is not None:
            words = [
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            ]
            blocks.append(" ".join("".join(words).split()))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.strip())
    return "\n".join(b for b in blocks if b)


# An article file already read, by its path, modification time and size: every app start in
# one process (tests make many) reads each file once.
_read: dict[tuple[Path, int, int], HelpArticle] = {}


def read_article(path: Path, lang: str) -> HelpArticle:
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _read:
        _read[key] = _parse(path, lang)
    return _read[key]


def _parse(path: Path, lang: str) -> HelpArticle:
    source = path.read_text(encoding="utf-8")
    meta, body = split_front_matter(source, f"{lang}/{path.name}")
    return HelpArticle(
        slug=path.stem,
        lang=lang,
        title=meta["title"],
        summary=meta["summary"],
        keywords=meta.get("keywords", ""),
        body=body,
        text=plain_text(body),
        content_hash=hashlib.sha256(source.encode("utf-8")).hexdigest(),
    )


class MarkdownArticles:
    """The articles in a directory of one folder per language (the package's own by default)."""

    def __init__(self, root: Path = ARTICLES_DIR) -> None:
        self.root = root

    def articles(self) -> list[HelpArticle]:
        found: list[HelpArticle] = []
        for lang in LANGUAGES:
            folder = self.root / lang
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.md")):
                if not SLUG.match(path.stem):
                    raise ArticleFileError(f"{lang}/{path.name}: not a valid slug")
                found.append(read_article(path, lang))
        return found
