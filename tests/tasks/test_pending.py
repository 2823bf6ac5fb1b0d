import os
import time

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404
from django.test import RequestFactory

from tasks.planimport.pending import KEEP_SECONDS, PendingUploads

PENDING = PendingUploads(folder="waiting", suffix=".txt", session_key="waiting")


@pytest.fixture
def request_with_session(settings, tmp_path):
    settings.DATA_DIR = tmp_path

    def make():
        request = RequestFactory().get("/")
        request.session = SessionStore()
        return request

    return make


def test_an_upload_waits_for_its_own_session_only(request_with_session):
    mine, other = request_with_session(), request_with_session()
    token = PENDING.add(mine, "计划全文".encode(), filename="plan.txt")
    entry, path = PENDING.get(mine, token)
    assert entry == {"filename": "plan.txt"} and path.read_text(encoding="utf-8") == "计划全文"
    with pytest.raises(Http404):
        PENDING.get(other, token)
    with pytest.raises(Http404):
        PENDING.get(mine, "../" + token)
    PENDING.finish(mine, token)
    assert not path.exists()
    with pytest.raises(Http404):
        PENDING.get(mine, token)


def test_uploads_nobody_confirmed_are_swept_when_a_new_one_arrives(request_with_session):
    request = request_with_session()
    old = PENDING.add(request, b"old")
    _, old_path = PENDING.get(request, old)
    stale = time.time() - KEEP_SECONDS - 60
    os.utime(old_path, (stale, stale))
    fresh = PENDING.add(request, b"new")
    assert not old_path.exists()
    assert PENDING.get(request, fresh)[1].read_bytes() == b"new"
