"""A full disk is answered 507 Insufficient Storage, not a generic 503.

The store raises StorageFull when its disk is full (SQLite: SQLITE_FULL). The write
that met it was one transaction (`Store.write`), rolled back whole, so nothing
half-stored remains and everything answered 200 before stays. The agent keeps
its batch (507 is a 5xx: retried with backoff) and the next write after space
returns simply works: no state is kept about the failure.
"""

from __future__ import annotations

import errno

from flask import Response

from collector.store import StorageFull

RETRY_AFTER_S = 300
MESSAGE = (
    "the collector's disk is full; nothing from this request was stored and "
    "everything acknowledged before is kept; retry later"
)


def is_storage_full(exc: BaseException) -> bool:
    if isinstance(exc, StorageFull):
        return True
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC


def storage_full_response(api: bool) -> Response:
    from flask import current_app

    from collector.api.errors import ApiError

    if api:
        resp = ApiError(507, "storage_full", MESSAGE).response()
    else:
        resp = current_app.response_class(MESSAGE, status=507)
    resp.headers["Retry-After"] = str(RETRY_AFTER_S)
    return resp
