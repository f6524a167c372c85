"""The headless core: everything the agent does that needs no Qt and no OS API.

- ``facade``: ``AgentCore``, the one object the tray and ``--headless`` drive;
  ``state``: the snapshot it hands them;
- ``tracker``: foreground samples into segments into the outbox;
  ``tracking_gate``: whether tracking may run (consent, pause);
  ``today``: the employee's own figures for "My day";
- ``policy``: the rules and settings the collector sends, cached on disk;
  ``consent``: the employee's decision, kept locally;
- ``collector_client``: the one HTTP client; ``uploader``: the loop that
  empties the outbox; ``enrollment`` and ``auto_enroll``: getting a device token.

It may import ``agent.config``, ``agent.outbox``, ``agent.platform`` and
``shared``; never ``agent.tray`` (Qt) nor ``collector``.
"""
