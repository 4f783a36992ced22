"""A process saving annotations is killed (SIGKILL) at random moments, 50 times: every
annotation it reported as saved is still there, and the database is intact."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from reader_app.annotations import Annotations
from reader_app.store import Store

SAVER = """
import sys
from reader_app.annotations import Annotations
from reader_app.store import Store

store = Store(__import__("pathlib").Path(sys.argv[1]))
notes = Annotations(store)
n = 0
while True:
    n += 1
    made = notes.add("digital-poverty", "ab" * 32, "highlight", 1 + n % 4,
                     exact=f"passage {n}", body="x" * (n % 500), tags=[f"t{n % 7}"])
    print(made.id, flush=True)  # reported only after the commit returned
"""

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def test_killed_saver_loses_nothing_it_reported(tmp_path) -> None:
    path = tmp_path / "library.sqlite3"
    chance = random.Random(20261123)  # the same moments on every run
    reported: list[str] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(50):
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        time.sleep(chance.uniform(0.15, 0.4))
        saver.send_signal(signal.SIGKILL)
        out, _err = saver.communicate()
        reported += out.split()  # a line cut short by the kill is not a full id
    reported = [r for r in reported if len(r) == 32]
    assert len(reported) > 100  # the kills landed while it was saving
    with Store(path) as store:
        assert store.integrity_check() == "ok"
        found = {a.id for a in Annotations(store).find()}
    assert set(reported) <= found
