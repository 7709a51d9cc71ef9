"""The only way the PDF renderer may read anything: our own files and `data:` URIs.

A template or a value that slipped into one must never make the server fetch a remote URL
(server-side request forgery) or embed a local file such as /etc/passwd in a PDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURLError(ValueError):
    """A URL the forms may not load; WeasyPrint logs it and leaves the resource out."""


class SafeURLFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types: Any base
    """A WeasyPrint fetcher that serves `data:` URIs and `file:` URLs under `roots` only."""

    def __init__(self, roots: Iterable[Path]) -> None:
        # No redirects and no protocols beyond these two, even if `fetch` were bypassed.
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Load `url` if it is allowed, else raise `RefusedURLError`."""
        self.check(url)
        return super().fetch(url, headers)

    def check(self, url: str) -> None:
        """Raise `RefusedURLError` unless `url` is a `data:` URI or a file under the roots."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURLError(f"the forms load no remote resource: {url}")
        # resolve() follows symbolic links and "..", so neither can leave the roots.
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedURLError(f"the forms load no file outside their folders: {url}")
