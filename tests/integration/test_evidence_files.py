"""Evidence files (issue 12, item 5): uploads judged by their content with real Pillow, and
kept under random keys in a real folder."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from recourse.domain.errors import InvalidInput
from recourse.domain.evidence import JPEG, PDF, PNG, WEBP, EvidenceLimits
from recourse.integrations.files import LocalFileStore, PillowInspector

LIMITS = EvidenceLimits()
CLEAN_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def image_bytes(fmt: str, size: tuple[int, int] = (64, 32), **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **options)
    return out.getvalue()


def refusal(data: bytes, limits: EvidenceLimits = LIMITS) -> str:
    with pytest.raises(InvalidInput) as caught:
        PillowInspector().inspect(data, limits)
    assert caught.value.field == "files"
    return caught.value.key


def test_a_jpeg_with_gps_comes_back_upright_and_without_any_metadata() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = image_bytes("JPEG", exif=exif.tobytes(), icc_profile=icc, comment=b"secret note")
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(0x8825)  # the GPS is really there

    clean = PillowInspector().inspect(upload, LIMITS)

    assert clean.media_type == JPEG
    assert (clean.width, clean.height) == (32, 64)  # the orientation was applied
    again = Image.open(io.BytesIO(clean.data))
    assert again.format == "JPEG"
    assert again.size == (32, 64)
    assert not again.getexif()
    assert "icc_profile" not in again.info and "comment" not in again.info
    assert b"Exif" not in clean.data and b"PhoneMaker" not in clean.data
    assert b"secret note" not in clean.data


def test_a_png_and_a_webp_are_accepted_and_re_encoded_in_their_own_format() -> None:
    clean = PillowInspector().inspect(image_bytes("PNG"), LIMITS)
    assert clean.media_type == PNG
    assert Image.open(io.BytesIO(clean.data)).format == "PNG"
    webp = PillowInspector().inspect(image_bytes("WEBP"), LIMITS)
    assert webp.media_type == WEBP
    assert Image.open(io.BytesIO(webp.data)).format == "WEBP"


def test_a_png_claimed_as_a_pdf_is_judged_by_its_content() -> None:
    # the inspector is never told a name or a claimed type: whatever `photo.pdf` says, a PNG
    clean = PillowInspector().inspect(image_bytes("PNG"), LIMITS)
    assert clean.media_type == PNG


def test_html_or_text_called_photo_jpg_is_refused() -> None:
    assert refusal(b"<html><script>alert(1)</script></html>") == "evidence.unsupported_type"
    assert refusal(b"just some text, called photo.jpg") == "evidence.unsupported_type"
    assert refusal(image_bytes("GIF")) == "evidence.unsupported_type"
    assert refusal(b"") == "evidence.empty"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes that declares a huge canvas of zeros."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    data = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = bomb_png(30000, 30000)
    assert len(bomb) < 2000
    assert refusal(bomb) == "evidence.too_many_pixels"
    # under Pillow's own guard but over ours
    assert refusal(bomb_png(8000, 6000)) == "evidence.too_many_pixels"
    assert refusal(bomb_png(200, 200), EvidenceLimits(max_pixels=100)) == (
        "evidence.too_many_pixels"
    )


def test_a_truncated_jpeg_is_refused() -> None:
    whole = image_bytes("JPEG", size=(256, 256))
    assert refusal(whole[: len(whole) // 2]) == "evidence.unreadable"
    assert refusal(b"\xff\xd8\xff\xe0garbage") == "evidence.unreadable"


def test_a_file_over_the_size_limit_is_refused() -> None:
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF"
    assert refusal(big) == "evidence.too_large"
    assert refusal(image_bytes("PNG"), EvidenceLimits(max_bytes=50)) == "evidence.too_large"


def test_a_pdf_with_a_script_is_refused_and_a_plain_one_accepted() -> None:
    clean = PillowInspector().inspect(CLEAN_PDF, LIMITS)
    assert clean.media_type == PDF
    assert clean.data == CLEAN_PDF
    script = CLEAN_PDF.replace(
        b"/Pages 2 0 R", b"/Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    assert refusal(script) == "evidence.pdf_active_content"
    assert refusal(CLEAN_PDF.replace(b"%%EOF", b"")) == "evidence.unreadable"


def test_the_store_keeps_files_under_random_sharded_keys(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "evidence")
    key = store.put(b"photo bytes", media_type=JPEG)
    other = store.put(b"photo bytes", media_type=JPEG)
    assert key != other
    assert store.get(key) == b"photo bytes"
    path = tmp_path / "evidence" / key[:2] / key
    assert path.read_bytes() == b"photo bytes"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]
    store.delete(key)
    assert store.get(key) is None
    store.delete(key)  # twice is fine
    assert store.get("A" * 32) is None  # well-formed, unknown


def test_a_key_that_tries_to_leave_the_folder_is_refused_without_touching_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    store = LocalFileStore(tmp_path / "evidence")
    touched: list[object] = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: touched.append(self) or b"")
    monkeypatch.setattr(Path, "unlink", lambda self, **_: touched.append(self))
    for key in (
        "../" + "a" * 29,
        "../secret.txt",
        "../../etc/passwd",
        "..",
        "/etc/passwd",
        "ab/../../x",
        "",
    ):
        assert store.get(key) is None
        store.delete(key)
    assert touched == []
    assert secret.exists()
