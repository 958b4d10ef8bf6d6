"""An httpx transport that reaches loopback hosts only.

The sample web links out to real sites (as board sites do, e.g. GOV.UK). The demo and the
tests crawl it offline, so requests to any other host fail at once, as a connection error the
crawler records, instead of trying DNS and the internet.
"""

from __future__ import annotations

import ipaddress

import httpx


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LoopbackOnlyTransport(httpx.HTTPTransport):
    """Refuses every request whose host is not on the loopback range."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not _is_loopback(request.url.host):
            raise httpx.ConnectError(f"offline: {request.url.host} is not a loopback host",
                                     request=request)
        return super().handle_request(request)
