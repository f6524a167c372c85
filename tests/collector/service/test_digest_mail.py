"""The digest as a manager sees it: the demo organisation's last full week, sent
through a real SMTP server (aiosmtpd) and rendered in Chromium, offline.

Saves docs/screenshots/mail-digest.png (with BACKLIGHT_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import pytest

from collector.jobs import open_counting_store
from collector.service.alert_rounds import run_round
from tests.fixtures.collector_server import run_cli
from tests.fixtures.screenshots import SCREENSHOTS

pytestmark = pytest.mark.slow


def test_the_html_digest_of_the_demo_renders_offline_with_no_names(tmp_path, smtp_sink, browser):
    db = tmp_path / "demo.db"
    run_cli(db, "demo")
    run_cli(db, "user", "email", "maria", "maria@example.com")
    run_cli(
        db,
        "settings",
        "set",
        "alerts.smtp_host=127.0.0.1",
        f"alerts.smtp_port={smtp_sink.port}",
        "alerts.from=backlight@example.com",
        "alerts.dashboard_url=https://backlight.example.com",
    )
    store = open_counting_store(db)
    try:
        people = {p["name"] for p in store.people()}
        result = run_round(store, digest_now=True)
    finally:
        store.close()
    assert result.digests == 1 and result.failed == 0, result.line()
    (digest,) = [m for m in smtp_sink.to("maria@example.com") if "digest" in m.message["Subject"]]
    assert "Payroll & HR" in digest.message["Subject"]
    assert len(people) == 27
    for name in people:
        assert name not in digest.text and name not in digest.html
    page = browser.new_page(viewport={"width": 760, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_content(digest.html, wait_until="load")
    assert requests == []  # nothing fetched: no images, fonts or stylesheets from anywhere
    assert page.locator("h1").inner_text().startswith("Weekly digest, ")
    assert page.locator("h2").all_inner_texts() == ["Payroll & HR"]
    links = page.locator("a").evaluate_all("els => els.map(e => e.href)")
    assert links and all(u.startswith("https://backlight.example.com") for u in links)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "mail-digest.png"), full_page=True)
    page.close()
