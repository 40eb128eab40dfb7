"""The client's address behind trusted reverse proxies (modellkoncept/client.py)."""

import pytest
from django.test import RequestFactory

from modellkoncept.client import client_address


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        # No trusted proxy: X-Forwarded-For is the client's own text and is ignored.
        ([], "10.0.0.5", "203.0.113.66", "10.0.0.5"),
        (["10.0.0.5"], "192.0.2.1", "203.0.113.66", "192.0.2.1"),
        # From a trusted proxy: the right-most entry that is not a trusted proxy.
        (["10.0.0.5"], "10.0.0.5", "203.0.113.66", "203.0.113.66"),
        (["10.0.0.5"], "10.0.0.5", "198.51.100.7, 203.0.113.66", "203.0.113.66"),
        (["10.0.0.0/8"], "10.1.2.3", "203.0.113.66, 10.9.9.9", "203.0.113.66"),
        (
            ["10.0.0.0/8", "172.16.0.1"],
            "10.1.2.3",
            "1.2.3.4,203.0.113.66,172.16.0.1",
            "203.0.113.66",
        ),
        (["10.0.0.5"], "10.0.0.5", " 203.0.113.66:5555 ", "203.0.113.66"),
        (["fd00::/8"], "fd00::1", "2001:db8::7", "2001:db8::7"),
        (["fd00::/8"], "fd00::1", "[2001:db8::7]:443", "2001:db8::7"),
        (["10.0.0.5"], "::ffff:10.0.0.5", "203.0.113.66", "203.0.113.66"),
        # Nothing forwarded, or only proxies: the last proxy seen.
        (["10.0.0.5"], "10.0.0.5", None, "10.0.0.5"),
        (["10.0.0.0/8"], "10.0.0.5", "10.0.0.6", "10.0.0.6"),
        # Not an address where the proxy should have written one: not believed.
        (["10.0.0.5"], "10.0.0.5", "203.0.113.66, unknown", "10.0.0.5"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, client):
    settings.TRUSTED_PROXIES = proxies

    assert client_address(_request(remote, forwarded)) == client
