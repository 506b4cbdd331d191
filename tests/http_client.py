"""A minimal HTTP client with a cookie jar, for tests against real server processes."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """Just enough of a browser: one cookie jar, used against any instance."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(
        self, url: str, form: dict | None = None, timeout: float = 20
    ) -> tuple[int, str, dict]:
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(url, data=data)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:  # 3xx and 4xx arrive here
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read().decode(), dict(response.headers)

    def token(self, url: str) -> str:
        _status, page, _headers = self.request(url)
        return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page)[1]
