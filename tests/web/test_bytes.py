"""Fewer bytes: fingerprinted static files kept by browsers, and compressed pages."""

from __future__ import annotations

import gzip
import re
import zlib

from tests.conftest import sign_in
from web.static_files import FOREVER

STYLESHEET = re.compile(r'href="(/static/uswds/css/uswds\.min\.css\?v=[0-9a-f]{12})"')


def test_pages_link_fingerprinted_static_files_kept_for_a_year(client, program):
    page = client.get("/login").get_data(as_text=True)
    url = STYLESHEET.search(page).group(1)
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == FOREVER


def test_a_stale_or_missing_fingerprint_is_not_cached_for_good(client, program):
    for url in ("/static/pathways.css", "/static/pathways.css?v=000000000000"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert "immutable" not in response.headers.get("Cache-Control", "")


def test_css_and_pages_are_compressed_for_browsers_that_ask(client, program):
    page = client.get("/login").get_data(as_text=True)
    url = STYLESHEET.search(page).group(1)
    with client.get(url) as response:
        plain = response.get_data()
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.get_data()) == plain
        assert len(response.get_data()) < len(plain) / 4
    sign_in(client, program.coordinator)
    html = client.get("/coordinator/", headers={"Accept-Encoding": "gzip"})
    assert html.headers["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(html.get_data())


def test_csv_exports_stream_compressed_chunk_by_chunk(client, program):
    sign_in(client, program.coordinator)
    response = client.get("/coordinator/audit.csv", headers={"Accept-Encoding": "deflate"})
    assert response.is_streamed
    assert response.headers["Content-Encoding"] == "deflate"
    assert zlib.decompress(response.get_data()).startswith(b"when,actor,action")
