"""The concurrent-annotators load script, run small: every accepted write is stored, nothing fails."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "load" / "annotators.py"


@pytest.mark.load
@pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed")
def test_concurrent_annotators_lose_nothing(capsys):
    spec = importlib.util.spec_from_file_location("annotators", SCRIPT)
    annotators = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(annotators)
    # One of them posts the slowest Markdown there is: the others must not notice.
    assert annotators.run(annotators=8, seconds=3, workers=2, threads=4, pathological=1) == 0
    assert '"lost_writes": 0' in capsys.readouterr().out
