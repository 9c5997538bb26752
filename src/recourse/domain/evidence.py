"""T6 evidence files (for R1 returns, D2 disputes, M1 attachments): which files a case accepts,
how big and how many.

Rules as data and pure functions: the kind of a file is decided by its first bytes, never by
its name or by what the sender claims; the limits are one frozen value with defaults. Every
refusal is `InvalidInput("files", key, **facts)`; the sentences live in `recourse.texts`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from recourse.domain.errors import InvalidInput

FIELD = "files"

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"

ACCEPTED_TYPES: tuple[str, ...] = (JPEG, PNG, WEBP, PDF)
"""The media types a case accepts: photos and PDF documents."""

IMAGE_TYPES: tuple[str, ...] = (JPEG, PNG, WEBP)

MEGABYTE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class EvidenceLimits:
    """How much evidence one case takes: bytes per file, files per case, pixels per image."""

    max_bytes: int = 10 * MEGABYTE
    max_files: int = 6
    max_pixels: int = 40_000_000

    def __post_init__(self) -> None:
        if self.max_bytes < 1 or self.max_files < 1 or self.max_pixels < 1:
            raise ValueError("evidence limits must be positive")

    @property
    def max_megabytes(self) -> int:
        """The byte limit in whole megabytes, as a sentence states it (rounded up)."""
        return -(-self.max_bytes // MEGABYTE)

    @property
    def max_megapixels(self) -> int:
        return -(-self.max_pixels // 1_000_000)


def sniff(data: bytes) -> str | None:
    """The media type the content itself declares by its magic bytes, or None when it is none
    of the accepted kinds (a name or a claimed type is never asked)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def check_type(data: bytes) -> str:
    """The accepted media type of `data`, or `evidence.empty` / `evidence.unsupported_type`."""
    if not data:
        raise InvalidInput(FIELD, "evidence.empty")
    media_type = sniff(data)
    if media_type is None:
        raise InvalidInput(FIELD, "evidence.unsupported_type")
    return media_type


# What a file name's extension says the file is, for the kinds a case accepts.
_EXTENSIONS: dict[str, str] = {
    "jpg": JPEG,
    "jpeg": JPEG,
    "jpe": JPEG,
    "png": PNG,
    "webp": WEBP,
    "pdf": PDF,
}
KIND_NAMES: dict[str, str] = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", PDF: "PDF"}


def check_name(name: str, media_type: str) -> None:
    """A file whose name says it is another accepted kind than its content is refused
    (`evidence.name_mismatch`): a PNG named `.pdf` is either a mistake the sender should
    see, or a file dressed up as something else. The content still decides the kind; a name
    with no extension, or one the accepted kinds do not use, says nothing."""
    _stem, dot, extension = name.rpartition(".")
    claimed = _EXTENSIONS.get(extension.lower()) if dot else None
    if claimed is not None and claimed != media_type:
        raise InvalidInput(
            FIELD,
            "evidence.name_mismatch",
            kind=KIND_NAMES[media_type],
            claimed=KIND_NAMES[claimed],
        )


def check_size(size: int, limits: EvidenceLimits) -> None:
    if size > limits.max_bytes:
        raise InvalidInput(
            FIELD,
            "evidence.too_large",
            size=size,
            limit=limits.max_bytes,
            limit_mb=limits.max_megabytes,
        )


def check_count(existing: int, adding: int, limits: EvidenceLimits) -> None:
    """A case holds at most `limits.max_files` files, counting the ones already attached."""
    if existing + adding > limits.max_files:
        raise InvalidInput(
            FIELD, "evidence.too_many", limit=limits.max_files, existing=existing, adding=adding
        )


def check_pixels(width: int, height: int, limits: EvidenceLimits) -> None:
    """An image declaring more pixels than the limit is refused before it is decoded (a
    decompression bomb declares a huge canvas in a few bytes)."""
    if width < 1 or height < 1:
        raise InvalidInput(FIELD, "evidence.unreadable")
    if width * height > limits.max_pixels:
        raise InvalidInput(
            FIELD,
            "evidence.too_many_pixels",
            width=width,
            height=height,
            limit=limits.max_pixels,
            limit_megapixels=limits.max_megapixels,
        )


PDF_ACTIVE_NAMES: frozenset[bytes] = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"}
)
"""PDF names that run code, start programs or carry other files: a PDF naming one is refused."""


_PDF_NAME = re.compile(rb"/([^\x00\t\n\f\r /<>\[\]()%{}]+)")


def _pdf_names(data: bytes) -> set[bytes]:
    """Every /Name in the PDF text, with `#xx` escapes decoded (so `/J#61vaScript` counts)."""
    return {_unescape_name(match.group(1)) for match in _PDF_NAME.finditer(data)}


_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _unescape_name(raw: bytes) -> bytes:
    if b"#" not in raw:
        return raw
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def check_pdf(data: bytes) -> None:
    """A PDF is accepted only when it is whole (starts with `%PDF-`, has an `%%EOF`) and names
    no script, launch action or embedded file. Names inside compressed object streams are not
    read here: PDFs are only ever handed out as downloads, never rendered by the site."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data:
        raise InvalidInput(FIELD, "evidence.unreadable")
    if _pdf_names(data) & PDF_ACTIVE_NAMES:
        raise InvalidInput(FIELD, "evidence.pdf_active_content")


NAME_MAX = 200
"""The longest display name kept for a file (the `evidence_files.name` column)."""

_NAME_DROP = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_name(name: str | None) -> str:
    """The sender's file name made fit for display only: the last path segment, no control or
    direction-changing characters, spaces collapsed, at most NAME_MAX characters (keeping the
    extension), "file" when nothing is left. Never used to decide a type or to build a path."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(_NAME_DROP.sub("", text).split())
    if len(text) > NAME_MAX:
        stem, dot, ext = text.rpartition(".")
        if dot and stem and len(ext) <= 10:
            text = stem[: NAME_MAX - len(ext) - 1] + "." + ext
        else:
            text = text[:NAME_MAX]
    return text.strip(" .") or "file"


def check_subject(subject: str) -> None:
    """What a file may be attached to (R1 returns, M1 messages, D2 disputes)."""
    if subject not in SUBJECTS:
        raise ValueError(f"evidence cannot be attached to {subject!r}")


SUBJECTS: tuple[str, ...] = ("return", "message", "dispute")
