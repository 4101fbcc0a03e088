"""`make demo` runs a job worker beside the server; Ctrl-C (SIGINT to the terminal's process group) stops
both, and the worker is stopped when the server exits by itself. The recipe runs with a stand-in `puhui`
that logs its commands, so no county is built."""

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE = """#!/bin/sh
echo "start $1" >> "$PUHUI_FAKE_LOG"
echo "pid $1 $$" >> "$PUHUI_FAKE_LOG"
case "$1" in
  worker|runserver)
    trap 'echo "stop $1" >> "$PUHUI_FAKE_LOG"; exit 0' INT TERM
    [ "$1" = runserver ] && [ -n "$PUHUI_FAKE_SERVER_FAILS" ] && exit 1
    while :; do sleep 0.05; done ;;
esac
"""

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def fake_bin(tmp_path: Path) -> dict:
    bin_dir, vendor = tmp_path / "bin", tmp_path / "vendor"
    bin_dir.mkdir()
    vendor.mkdir()
    puhui = bin_dir / "puhui"
    puhui.write_text(FAKE)
    puhui.chmod(0o755)
    (bin_dir / ".installed").touch()  # newer than pyproject.toml: `setup` has nothing to do
    (vendor / ".installed").touch()
    log = tmp_path / "log"
    log.touch()
    return {"BIN": str(bin_dir), "VENDOR": str(vendor), "log": log}


def start(paths: dict, **env) -> subprocess.Popen:
    def default_signals():  # as in a terminal, whatever the test runner's parent ignores
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen(
        ["make", "-s", "demo", f"BIN={paths['BIN']}", f"VENDOR={paths['VENDOR']}", "PORT=8999"],
        cwd=ROOT,
        env={**os.environ, "PUHUI_FAKE_LOG": str(paths["log"]), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=default_signals,
    )


def wait_for(log: Path, *lines: str, timeout: float = 20) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = log.read_text().splitlines()
        if all(line in seen for line in lines):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"not all of {lines} in {log.read_text()!r}")


@pytest.fixture
def stop_all():
    """Kills what a failed test leaves behind (the whole process group of each `make`)."""
    started: list[subprocess.Popen] = []
    yield started
    for make in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(make.pid, signal.SIGKILL)


def test_ctrl_c_stops_the_server_and_the_worker(tmp_path, stop_all):
    paths = fake_bin(tmp_path)
    make = start(paths)
    stop_all.append(make)
    seen = wait_for(paths["log"], "start worker", "start runserver")
    assert [line for line in seen if line.startswith("start")][:2] == ["start migrate", "start demo"]
    os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C does
    assert make.wait(timeout=20) != 0
    wait_for(paths["log"], "stop runserver", "stop worker")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_worker_stops_when_the_server_exits_by_itself(tmp_path, stop_all):
    paths = fake_bin(tmp_path)
    make = start(paths, PUHUI_FAKE_SERVER_FAILS="1")  # e.g. the port is taken
    stop_all.append(make)
    assert make.wait(timeout=20) != 0
    # The worker may be stopped before it even logs its start; whatever it got to, it is gone.
    pids = [
        int(line.split()[2])
        for line in paths["log"].read_text().splitlines()
        if line.startswith("pid worker")
    ]
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in pids)
