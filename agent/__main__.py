"""``python -m agent``: the same as the ``backlight-agent`` command."""

from agent.cli import main

raise SystemExit(main())
