#!/usr/bin/env python3
"""Does every official SDK's test suite call every operation of the API? (Standard library only.)

Each SDK directory `sdk/<lang>/` has a manifest `sdk/<lang>/conformance.json`:

    {
      "operations": {"<operationId>": "<text its tests contain when they call it>", ...},
      "tests": ["<file, folder or glob: relative to the SDK's folder, else to the repository>"]
    }

For every operationId of the committed schema (`docs/openapi.json`), the manifest must name
it, and its text (e.g. `projects.list(`) must occur in at least one file of that SDK's tests.
The script prints a table (operations × SDKs, ✓ or ✗) and the reason for every ✗, and exits
1 if any cell is ✗ or a manifest names an operation the schema does not have (2 for a
missing schema or a malformed manifest).

    python3 sdk/conformance/coverage.py [--schema docs/openapi.json] [--root .]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Never part of a test suite, and sometimes huge.
SKIPPED_DIRS = {"__pycache__", "node_modules", ".git", ".venv", "venv", "build", "dist", "target"}
YES, NO = "✓", "✗"


class ManifestError(Exception):
    pass


@dataclass
class Sdk:
    name: str
    folder: Path
    operations: dict[str, str]
    test_files: list[Path]
    corpus: str = ""
    problems: list[str] = field(default_factory=list)


def operation_ids(schema: dict) -> list[str]:
    """The schema's operationIds, in the order the schema lists them."""
    found = []
    for path, item in (schema.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            if not operation.get("operationId"):
                raise ManifestError(f"the schema's {method.upper()} {path} has no operationId")
            found.append(operation["operationId"])
    return found


def _files_under(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(
        candidate
        for candidate in path.rglob("*")
        if candidate.is_file() and not SKIPPED_DIRS.intersection(candidate.parts)
    )


def _test_files(folder: Path, root: Path, entries: list[str]) -> list[Path]:
    files: list[Path] = []
    for entry in entries:
        # Relative to the SDK's own folder first, then to the repository.
        try:
            matches = sorted(folder.glob(entry)) or sorted(root.glob(entry))
        except (ValueError, NotImplementedError):  # an absolute path or a malformed pattern
            raise ManifestError(f"tests entry {entry!r} is not a relative path or glob") from None
        if not matches:
            raise ManifestError(f"tests entry {entry!r} matches nothing")
        for match in matches:
            files.extend(_files_under(match))
    return sorted(set(files))


def load_sdk(manifest_path: Path, root: Path) -> Sdk:
    folder = manifest_path.parent
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{manifest_path}: {exc}") from None
    operations = manifest.get("operations") if isinstance(manifest, dict) else None
    tests = manifest.get("tests") if isinstance(manifest, dict) else None
    if not isinstance(operations, dict) or not all(
        isinstance(key, str) and isinstance(value, str) and value
        for key, value in operations.items()
    ):
        raise ManifestError(
            f"{manifest_path}: 'operations' must map each operationId to a non-empty string"
        )
    if not isinstance(tests, list) or not tests or not all(isinstance(t, str) for t in tests):
        raise ManifestError(f"{manifest_path}: 'tests' must be a non-empty list of paths")
    try:
        files = _test_files(folder, root, tests)
    except ManifestError as exc:
        raise ManifestError(f"{manifest_path}: {exc}") from None
    sdk = Sdk(name=folder.name, folder=folder, operations=operations, test_files=files)
    sdk.corpus = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in files)
    return sdk


def covered(sdk: Sdk, operation: str) -> bool:
    pattern = sdk.operations.get(operation)
    if pattern is None:
        sdk.problems.append(f"{operation}: not in sdk/{sdk.name}/conformance.json")
        return False
    if pattern not in sdk.corpus:
        sdk.problems.append(f"{operation}: {pattern!r} occurs in none of its tests")
        return False
    return True


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="default: this repository")
    parser.add_argument("--schema", type=Path, help="default: <root>/docs/openapi.json")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    schema_path = args.schema or root / "docs" / "openapi.json"
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # ✓ and ✗ whatever the locale

    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        operations = operation_ids(schema)
        manifests = sorted((root / "sdk").glob("*/conformance.json"))
        sdks = [load_sdk(path, root) for path in manifests]
    except (OSError, ValueError, ManifestError) as exc:
        print(f"coverage: {exc}", file=sys.stderr)
        return 2
    if not sdks:
        print(f"coverage: no SDK has a manifest (sdk/*/conformance.json under {root})")
        return 2
    for folder in sorted(p for p in (root / "sdk").iterdir() if p.is_dir()):
        if folder.name != "conformance" and not (folder / "conformance.json").exists():
            print(f"note: sdk/{folder.name} has no conformance.json and is not checked")

    rows = [["operationId", *(sdk.name for sdk in sdks)]]
    missing = 0
    for operation in operations:
        cells = []
        for sdk in sdks:
            ok = covered(sdk, operation)
            missing += not ok
            cells.append(YES if ok else NO)
        rows.append([operation, *cells])
    unknown = 0
    for sdk in sdks:
        for operation in sorted(set(sdk.operations) - set(operations)):
            sdk.problems.append(f"{operation}: named in the manifest, but the schema has none")
            unknown += 1

    print(f"SDK conformance: the operations of {schema_path} in each SDK's tests\n")
    print(table(rows))
    for sdk in sdks:
        for problem in sdk.problems:
            print(f"{NO} sdk/{sdk.name}: {problem}")
    if missing or unknown:
        print(f"\nSDK coverage incomplete: {missing} cells {NO}, {unknown} unknown operations")
        return 1
    print(f"\nSDK coverage complete: {len(operations)} operations in {len(sdks)} SDK(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
