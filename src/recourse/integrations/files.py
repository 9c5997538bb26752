"""Evidence files on disk and their inspection with Pillow (issue 12, item 5).

`LocalFileStore` is the default `FileStore`: files under the data directory's `evidence/`
folder, which is outside the web root and never served statically (the pages hand a file
out only to the case's parties and support). An S3-compatible adapter is a later step; it
will implement the same port.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import tempfile
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from recourse.domain.errors import InvalidInput
from recourse.domain.evidence import (
    FIELD,
    IMAGE_TYPES,
    JPEG,
    PDF,
    PNG,
    WEBP,
    EvidenceLimits,
    check_pdf,
    check_pixels,
    check_size,
    check_type,
)
from recourse.services.ports.files import CleanFile

KEY_PATTERN = re.compile(r"\A[A-Za-z0-9_-]{32}\Z")
"""A key is exactly what `secrets.token_urlsafe(24)` makes: no dot, no slash, nothing else."""


class LocalFileStore:
    """Files under `root`, named by random keys and sharded by the key's first two characters;
    written to a temporary file and renamed into place, so a reader never sees half a file."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path | None:
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            return None
        return self.root / key[:2] / key

    def put(self, data: bytes, *, media_type: str) -> str:
        key = secrets.token_urlsafe(24)
        path = self._path(key)
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        path = self._path(key)
        if path is not None:
            path.unlink(missing_ok=True)


_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
_MODES = {
    "JPEG": ("L", "RGB"),
    "PNG": ("L", "LA", "RGB", "RGBA"),
    "WEBP": ("RGB", "RGBA"),
}


class PillowInspector:
    """Decides an upload's kind by its content, then checks it: images are decoded in full
    (a truncated file fails), turned upright by their EXIF orientation and re-encoded without
    any metadata (EXIF, GPS, ICC profile, comments); only the first frame of an animation is
    kept. PDFs are checked by `check_pdf` and kept as they are."""

    def inspect(self, data: bytes, limits: EvidenceLimits) -> CleanFile:
        media_type = check_type(data)
        check_size(len(data), limits)
        if media_type == PDF:
            check_pdf(data)
            return CleanFile(data=data, media_type=PDF)
        assert media_type in IMAGE_TYPES
        return _clean_image(data, media_type, limits)


def _clean_image(data: bytes, media_type: str, limits: EvidenceLimits) -> CleanFile:
    fmt = _PILLOW_FORMAT[media_type]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                check_pixels(img.width, img.height, limits)
                img.load()
                upright = ImageOps.exif_transpose(img)
                clean = _without_metadata(upright, fmt)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidInput(
                FIELD,
                "evidence.too_many_pixels",
                limit=limits.max_pixels,
                limit_megapixels=limits.max_megapixels,
            ) from None
        except InvalidInput:
            raise
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise InvalidInput(FIELD, "evidence.unreadable") from None
    out = io.BytesIO()
    options: dict[str, object] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, format=fmt, **options)
    return CleanFile(
        data=out.getvalue(), media_type=media_type, width=clean.width, height=clean.height
    )


def _without_metadata(img: Image.Image, fmt: str) -> Image.Image:
    """The pixels alone, in a mode the format writes: a new image made from raw bytes carries
    no `info`, so nothing of the upload's metadata can be written back."""
    modes = _MODES[fmt]
    if img.mode not in modes:
        has_alpha = "A" in img.getbands() or "transparency" in img.info
        img = img.convert("RGBA" if has_alpha and "RGBA" in modes else "RGB")
    return Image.frombytes(img.mode, img.size, img.tobytes())
