"""A full disk is answered 507 Insufficient Storage, not a generic 503.

SQLite reports ENOSPC as SQLITE_FULL ("database or disk is full"). The write
that met it was one transaction (`Store.write`), rolled back whole, so nothing
half-stored remains and everything answered 200 before stays. The agent keeps
its batch (507 is a 5xx: retried with backoff) and the next write after space
returns simply works: no state is kept about the failure.
"""

from __future__ import annotations

import errno
import sqlite3

from flask import Response

RETRY_AFTER_S = 300
MESSAGE = (
    "the collector's disk is full; nothing from this request was stored and "
    "everything acknowledged before is kept; retry later"
)


def is_storage_full(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    return "database or disk is full" in str(exc)


def storage_full_response(api: bool) -> Response:
    from flask import current_app

    from collector.api.errors import ApiError

    if api:
        resp = ApiError(507, "storage_full", MESSAGE).response()
    else:
        resp = current_app.response_class(MESSAGE, status=507)
    resp.headers["Retry-After"] = str(RETRY_AFTER_S)
    return resp
