"""`team run` serves through team.ui.serve, which imports what the first run of every
session needs before Streamlit starts. Each case runs in a fresh interpreter: what is
imported is the point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = (
    "import sys\n"
    "from team.ui import serve\n"
    "serve.preload()\n"
    "print(*(name in sys.modules for name in "
    "('team.models', 'team.ui.auth', 'streamlit.emojis', 'psycopg')))\n"
)


def _preload(config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TEAM_CONFIG": str(config)}
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )


def test_preload_imports_the_app_and_the_configured_driver_quietly(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "database:\n  url: postgresql+psycopg://team:x@127.0.0.1:1/team\nauth:\n  mode: local\n"
    )
    done = _preload(config)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "True"]
    assert "No runtime found" not in done.stderr  # nothing to alarm whoever reads the log


def test_preload_leaves_a_bad_config_for_the_app_to_explain(tmp_path: Path) -> None:
    done = _preload(tmp_path / "missing.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "False"]
