"""`python -m build sdk/python` makes a wheel that installs and imports in a clean venv."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

SDK = Path(__file__).resolve().parents[2] / "sdk" / "python"


@pytest.mark.slow
def test_the_wheel_builds_installs_and_imports_in_a_clean_venv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(SDK)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    (wheel,) = dist.glob("cloudbooks_sdk-*-py3-none-any.whl")
    assert len(list(dist.glob("cloudbooks_sdk-*.tar.gz"))) == 1
    assert "cloudbooks_sdk/py.typed" in zipfile.ZipFile(wheel).namelist()

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel],
        check=True,
        capture_output=True,
        timeout=240,
    )
    script = (
        "import cloudbooks_sdk, httpx; "
        "c = cloudbooks_sdk.Client(api_key='sk_live_x'); "
        "print(cloudbooks_sdk.__version__, c.base_url, cloudbooks_sdk.__file__)"
    )
    # Run from tmp_path so the import cannot come from this checkout.
    result = subprocess.run(
        [python, "-c", script], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    version, base_url, location = result.stdout.split()
    assert version == wheel.name.split("-")[1]
    assert base_url == "https://api.cloudbooks.com/v1"
    assert location.startswith(str(env_dir))
