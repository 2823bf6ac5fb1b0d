"""Expected refusals, quietly: the Chinese 400 page and a one-line log for every 4xx.

Django logs each 403/404 with the whole traceback of the PermissionDenied/Http404 that produced
it (and a RequestDataTooBig as an ERROR with its traceback): a liaison following an old link
fills the log with stack traces nobody needs. `OneLineRefusals` keeps the line, drops the
traceback, and appends the exception's own message. 5xx are left alone.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or not 400 <= status < 500 or not record.exc_info:
            return True
        exc = record.exc_info[1]
        record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})" if exc is not None else record.getMessage()
        record.args = None
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def bad_request(request, exception=None):
    """handler400: Django's own page is the English "Bad Request (400)" rendered without a request."""
    if not hasattr(request, "user"):  # refused before AuthenticationMiddleware ran (DisallowedHost)
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        message = (f"提交的内容过大（超过 {limit:.0f} MB），未能处理。粘贴的文字过长时，"
                   "请改为上传 .docx 或 .txt 文件，或分几次提交。")
    else:
        message = "请求无法处理：提交的内容不完整或格式有误。请返回上一页重试。"
    return render(request, "400.html", {"message": message}, status=400)
