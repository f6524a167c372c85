"""The tray's "Download my data" and "Stop and erase my data" against a real
collector process, through the same calls the tray's worker thread makes."""

from __future__ import annotations

import errno
import json
import time
import zipfile

import pytest

from agent.core.collector_client import HttpError
from tests.agent.tray.test_me_endpoints_real_collector import core, wait_for  # noqa: F401
from tests.fixtures.small_disk import fill, small_disk  # noqa: F401

pytestmark = pytest.mark.slow


def test_download_my_data_saves_this_persons_zip(core, collector, tmp_path):  # noqa: F811
    from agent.tray.my_data import default_path, download_my_data

    other = collector.enroll("someone-else")
    assert other
    core.grant_consent()
    time.sleep(1.2)
    core.pause(15)
    core.upload_now()
    wait_for(lambda: core.state().queued_segments == 0 and core.state().last_upload_at)

    assert default_path().name.startswith("backlight-my-data-")
    target = tmp_path / "out" / "mine.zip"
    saved = download_my_data(core, target)
    assert saved == target and not target.with_name("mine.zip.part").exists()
    with zipfile.ZipFile(saved) as zf:
        doc = json.loads(zf.read("export.json"))
        everything = b"".join(zf.read(n) for n in zf.namelist())
    assert [p["name"] for p in doc["tables"]["person"]] == ["dana"]
    assert {s["category"] for s in doc["tables"]["segments"]} == {"payroll"}
    assert b"someone-else" not in everything


def test_stop_and_erase_removes_the_person(core, collector, tmp_path):  # noqa: F811
    from agent.tray.my_data import download_my_data, erase_me

    core.grant_consent()
    core.withdraw_consent()
    erase_me(core)
    with pytest.raises(HttpError) as err:
        download_my_data(core, tmp_path / "after.zip")
    assert err.value.status == 401
    assert not (tmp_path / "after.zip").exists()
    store = collector.store()
    try:
        assert store.people_named("dana") == []
    finally:
        store.close()


def test_a_full_disk_leaves_no_part_and_no_half_zip(core, collector, small_disk):  # noqa: F811
    """The download fails with the disk's own error, and leaves nothing behind
    under either name; with room again, the same call saves the whole zip."""
    from agent.tray.my_data import download_my_data

    core.grant_consent()
    target = small_disk / "mine.zip"
    ballast = fill(small_disk)
    with pytest.raises(OSError) as err:
        download_my_data(core, target)
    assert err.value.errno == errno.ENOSPC
    assert sorted(p.name for p in small_disk.iterdir()) == ["ballast"]
    ballast.unlink()
    assert download_my_data(core, target) == target
    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None
        assert json.loads(zf.read("export.json"))["tables"]["person"][0]["name"] == "dana"
    assert sorted(p.name for p in small_disk.iterdir()) == ["mine.zip"]
