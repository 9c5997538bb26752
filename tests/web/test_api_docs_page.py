"""/api/docs is served with Swagger UI's files from this server, never from a CDN."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def test_api_docs_page_names_no_other_host(client: TestClient) -> None:
    page = client.get("/api/docs")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert re.findall(r"https?://", page.text) == []
    assert re.findall(r"['\"]//", page.text) == []
    assert "url: '/api/openapi.json'" in page.text


@pytest.mark.parametrize(
    ("asset", "content_types"),
    [
        ("swagger-ui-bundle.js", {"text/javascript", "application/javascript"}),
        ("swagger-ui.css", {"text/css"}),
        ("favicon.png", {"image/png"}),
    ],
)
def test_api_docs_page_loads_each_asset_from_this_server(
    client: TestClient, asset: str, content_types: set[str]
) -> None:
    urls = ASSET.findall(client.get("/api/docs").text)
    url = next(u for u in urls if u.endswith(asset))

    served = client.get(url)

    assert url.startswith("/api/docs/assets/")
    assert served.status_code == 200
    assert served.headers["content-type"].split(";")[0] in content_types
    assert len(served.content) > 500
