"""Fixtures of the checklist's tests: `as_user`, the test client signed in as a given person."""

import pytest


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
