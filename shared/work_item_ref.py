"""The one way a work item's reference is hashed, on the collector (imported
`id`s) and on the workstation (the tray's timer), so the two join without the
reference leaving the workstation in clear (docs/design.md §3).

The key is the organisation's salt as the policy gives it (`work_item_salt`,
64 hex characters), used as its UTF-8 text; the message is the reference
with surrounding white space removed, UTF-8. The result is HMAC-SHA256 in
lower-case hex.
"""

from __future__ import annotations

import hashlib
import hmac


def hash_reference(salt: str, reference: str) -> str:
    """HMAC-SHA256(key=salt, msg=reference.strip()), hex."""
    return hmac.new(
        salt.encode("utf-8"), reference.strip().encode("utf-8"), hashlib.sha256
    ).hexdigest()
