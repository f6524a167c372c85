"""Fixtures shared by the whole suite live in tests/fixtures/ as plugins."""

pytest_plugins = [
    "tests.fixtures.desktop",
    "tests.fixtures.collector_server",
    "tests.fixtures.recording_proxy",
    "tests.fixtures.browser",
    "tests.fixtures.screenshots",
    "tests.fixtures.postgres",
    "tests.fixtures.store",
    "tests.fixtures.mail",
]
