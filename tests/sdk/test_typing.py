"""The SDK type-checks under `mypy --strict`, and its types say what the API accepts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK_SOURCE = ROOT / "sdk" / "python" / "src"


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    # Module names count from MYPYPATH (the SDK's src), not from whatever folders above the
    # checkout happen to hold an __init__.py.
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--explicit-package-bases",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"MYPYPATH": str(SDK_SOURCE), "PATH": "/usr/bin:/bin"},
    )


def test_the_sdk_passes_mypy_strict():
    result = mypy("sdk/python/src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_keyword_or_role_is_a_type_error_for_both_clients(tmp_path):
    # One resource definition serves both clients: the checker must still see the sync
    # result on Client, a coroutine on AsyncClient, and the Literal roles on both.
    script = tmp_path / "uses_the_sdk.py"
    script.write_text(
        textwrap.dedent(
            """
            from cloudbooks_sdk import AsyncClient, Client, Page, Project

            client = Client(api_key="sk_live_x")
            project: Project = client.projects.get("p1")
            page: Page[Project] = client.projects.list(limit=10)
            client.projects.create(organization="o1", name="n", colour="red")
            client.organizations.members("o1").add(email="e@example.com", role="boss")

            async def main() -> None:
                async_client = AsyncClient(api_key="sk_live_x")
                found: Project = await async_client.projects.get("p1")
                wrong: Project = async_client.projects.get("p1")
            """
        )
    )
    result = mypy(str(script))
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 3, result.stdout
    assert 'Unexpected keyword argument "colour"' in errors[0]
    assert "Literal['owner', 'admin', 'member']" in errors[1]
    assert "Coroutine" in errors[2]
