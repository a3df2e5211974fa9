"""sdk/conformance/coverage.py: every operation of the schema, called in every SDK's tests.

Run as CI runs it, as a script, on a made-up repository: a two-operation schema and one or
two fake SDKs whose "tests" are a few lines of text.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "sdk" / "conformance" / "coverage.py"

SCHEMA = {
    "openapi": "3.0.3",
    "paths": {
        "/v1/widgets": {
            "get": {"operationId": "widgets_list"},
            "post": {"operationId": "widgets_create"},
        },
    },
}
OPERATIONS = {"widgets_list": "widgets.list(", "widgets_create": "widgets.create("}
TESTS = """def test_widgets(client):
    client.widgets.create(name="w")
    client.widgets.list()
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "openapi.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "sdk" / "conformance").mkdir(parents=True)
    return tmp_path


def add_sdk(repo: Path, name: str, *, operations=None, tests=("tests",), text=TESTS) -> Path:
    folder = repo / "sdk" / name
    (folder / "tests").mkdir(parents=True)
    (folder / "tests" / "test_widgets.txt").write_text(text)
    manifest = {"operations": OPERATIONS if operations is None else operations, "tests": tests}
    (folder / "conformance.json").write_text(json.dumps(manifest))
    return folder


def coverage(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(repo), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def row(output: str, operation: str) -> list[str]:
    (line,) = [line for line in output.splitlines() if line.startswith(f"| {operation} ")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_it_passes_when_every_operation_is_called_in_the_tests(repo):
    add_sdk(repo, "fake")
    result = coverage(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert row(result.stdout, "operationId") == ["operationId", "fake"]
    assert row(result.stdout, "widgets_list") == ["widgets_list", "✓"]
    assert row(result.stdout, "widgets_create") == ["widgets_create", "✓"]


def test_it_fails_when_the_tests_never_call_an_operation(repo):
    add_sdk(repo, "fake", text="def test_widgets(client):\n    client.widgets.list()\n")
    result = coverage(repo)
    assert result.returncode == 1
    assert row(result.stdout, "widgets_list")[1] == "✓"
    assert row(result.stdout, "widgets_create")[1] == "✗"
    assert "widgets_create: 'widgets.create(' occurs in none of its tests" in result.stdout


def test_it_fails_when_the_manifest_leaves_an_operation_out(repo):
    add_sdk(repo, "fake", operations={"widgets_list": "widgets.list("})
    result = coverage(repo)
    assert result.returncode == 1
    assert row(result.stdout, "widgets_create")[1] == "✗"
    assert "widgets_create: not in sdk/fake/conformance.json" in result.stdout


def test_it_fails_when_the_manifest_names_an_operation_the_schema_lacks(repo):
    add_sdk(repo, "fake", operations={**OPERATIONS, "widgets_melt": "widgets.melt("})
    result = coverage(repo)
    assert result.returncode == 1
    assert "widgets_melt: named in the manifest, but the schema has none" in result.stdout


def test_each_sdk_is_a_column_judged_on_its_own_tests(repo):
    add_sdk(repo, "alpha")
    add_sdk(repo, "beta", text="widgets.list(\n")
    result = coverage(repo)
    assert result.returncode == 1
    assert row(result.stdout, "operationId") == ["operationId", "alpha", "beta"]
    assert row(result.stdout, "widgets_create") == ["widgets_create", "✓", "✗"]


def test_tests_may_be_named_relative_to_the_repository_and_by_glob(repo):
    add_sdk(repo, "fake", tests=["common/sdk-tests/*.txt"], text="")
    (repo / "common" / "sdk-tests").mkdir(parents=True)
    (repo / "common" / "sdk-tests" / "calls.txt").write_text(TESTS)
    assert coverage(repo).returncode == 0


def test_schema_may_be_given_with_schema(repo, tmp_path):
    add_sdk(repo, "fake")
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps({"paths": {"/v1/w": {"get": {"operationId": "w_get"}}}}))
    result = coverage(repo, "--schema", str(other))
    assert result.returncode == 1
    assert row(result.stdout, "w_get")[1] == "✗"
    assert "widgets_list: named in the manifest, but the schema has none" in result.stdout


def test_a_missing_schema_or_a_malformed_manifest_is_an_error_not_a_pass(repo):
    add_sdk(repo, "fake", tests=["no-such-folder"])
    assert coverage(repo).returncode == 2
    (repo / "sdk" / "fake" / "conformance.json").write_text('{"operations": []}')
    assert coverage(repo).returncode == 2
    (repo / "docs" / "openapi.json").unlink()
    assert coverage(repo).returncode == 2


def test_no_manifest_at_all_is_an_error(repo):
    result = coverage(repo)
    assert result.returncode == 2
    assert "no SDK has a manifest" in result.stdout


def test_the_python_sdk_manifest_is_well_formed_and_finds_its_tests():
    """Whether it covers the committed schema is CI's run of the script itself."""
    # By path: `coverage` is also the name of a well-known package.
    spec = importlib.util.spec_from_file_location("sdk_conformance_coverage", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # its dataclasses look their module up there
    spec.loader.exec_module(script)
    sdk = script.load_sdk(SCRIPT.parents[1] / "python" / "conformance.json", SCRIPT.parents[2])
    assert Path(__file__) in sdk.test_files
    assert sdk.operations["projects_list"] in sdk.corpus
