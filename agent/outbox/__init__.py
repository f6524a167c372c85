"""The outbox: the agent's durable local queue, one SQLite file per profile.

Everything the agent records or decides is written here first and sent from
here; nothing is lost when the collector is away or the process is killed.

- ``store``: ``Outbox``, segments, batches and the queues of consent and units;
- ``db``: the file itself (tables, how it is opened, its notes);
- ``quarantine``: what the collector refused for good, kept aside and shown;
- ``stats``: the counts and notes ``status`` shows.

It imports nothing of the agent's: the tracker, the uploader and the tray all
depend on it, never the other way.
"""

from agent.outbox.quarantine import Quarantined, reason
from agent.outbox.store import Batch, Outbox, Queued

__all__ = ["Batch", "Outbox", "Queued", "Quarantined", "reason"]
