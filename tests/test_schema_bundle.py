"""The bundled schemas are self-contained, and an off-the-shelf validator (check-jsonschema)
accepts every bundled file with them, offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lexlux.load.discover import FileKind, file_kind
from lexlux.load.yaml_source import load_file
from lexlux.validate.bundle import BUNDLED, bundle, external_refs, write_bundle
from lexlux.validate.schemas import SCHEMA_FILES

from paths import REPO

BUNDLE = bundle()
#: the files shipped with lexlux: the rules and the examples
SHIPPED = sorted([*(REPO / "rules").rglob("*.yaml"), *(REPO / "examples").glob("*.yaml")])


def by_kind() -> dict[FileKind, list[Path]]:
    groups: dict[FileKind, list[Path]] = defaultdict(list)
    for path in SHIPPED:
        groups[file_kind(path)].append(path)
    return groups


def offline_env() -> dict[str, str]:
    """No network: any download would go to a closed port on this machine and fail."""
    dead = "http://127.0.0.1:9"
    return {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
            "https_proxy": dead, "NO_PROXY": "", "no_proxy": ""}


def _command(args: tuple[str | Path, ...]) -> list[str]:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert exe is not None, "check-jsonschema is in the dev extra: pip install -e '.[dev]'"
    return [exe, "--no-cache", *map(str, args)]


def check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(args), capture_output=True, text=True, env=offline_env(),
                          timeout=60, check=False)


def check_jsonschema_all(calls: list[tuple[str | Path, ...]]) -> list[tuple[int, str]]:
    """Several check-jsonschema runs at once (the machine has more than one core)."""
    running = [subprocess.Popen(_command(args), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=offline_env())
               for args in calls]
    results = []
    for process in running:
        output, _ = process.communicate(timeout=60)
        results.append((process.returncode, output))
    return results


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_schema_is_self_contained_and_valid(name: str) -> None:
    schema = BUNDLE[name]
    Draft202012Validator.check_schema(schema)
    assert external_refs(schema) == set()
    assert schema["$id"].startswith("urn:lexlux:schema:")


def test_every_kind_has_a_bundled_schema() -> None:
    assert set(SCHEMA_FILES.values()) <= set(BUNDLED)


def test_every_shipped_file_fits_its_bundled_schema() -> None:
    """The bundle says what lexlux's own registry says (no file of any kind rejected)."""
    checked = 0
    for kind, paths in by_kind().items():
        validator = Draft202012Validator(BUNDLE[SCHEMA_FILES[kind]])
        for path in paths:
            doc, problems = load_file(path, str(path))
            assert doc is not None and not problems
            errors = [e.message for e in validator.iter_errors(doc.data)]
            assert errors == [], path
            checked += 1
    assert checked == len(SHIPPED) > 100


def test_the_bundle_rejects_what_lexlux_rejects() -> None:
    validator = Draft202012Validator(BUNDLE["rule.schema.json"])
    bad = {"id": "lu.x", "jurisdiction": "fr", "citation": {}, "title": {}, "authority": "law",
           "versions": []}
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "'fr' is not one of" in messages and "should be non-empty" in messages


def test_check_jsonschema_accepts_the_bundle_and_every_shipped_file(tmp_path: Path) -> None:
    written = write_bundle(tmp_path)
    assert sorted(p.name for p in written) == sorted(BUNDLED)
    groups = by_kind()
    assert set(groups) == set(FileKind)      # every kind is shipped, so every kind is checked
    calls: list[tuple[str | Path, ...]] = [("--check-metaschema", *written)]
    calls += [("--schemafile", tmp_path / SCHEMA_FILES[kind], *paths)
              for kind, paths in groups.items()]
    for args, (code, output) in zip(calls, check_jsonschema_all(calls), strict=True):
        assert code == 0, f"{args[:2]}: {output}"
        assert "ok -- validation done" in output


def test_check_jsonschema_rejects_a_bad_file(tmp_path: Path) -> None:
    write_bundle(tmp_path)
    bad = tmp_path / "bad.case.yaml"
    bad.write_text('case: A person falls ill\njurisdiction: lu\nfacts:\n  incapacity:\n'
                   '    - {from: "4 March", to: "2019-03-10"}\n',
                   encoding="utf-8")
    result = check_jsonschema("--schemafile", tmp_path / "case.schema.json", bad)
    assert result.returncode == 1
    assert "4 March" in result.stdout


def test_the_source_schemas_resolve_offline_too() -> None:
    """schemas/ refer to each other by relative path: no $id sends a validator online."""
    for schema in (REPO / "schemas").rglob("*.schema.json"):
        assert "$id" not in json.loads(schema.read_text(encoding="utf-8")), schema
    reforms = by_kind()[FileKind.REFORM]
    result = check_jsonschema("--schemafile", REPO / "schemas" / "reform.schema.json", *reforms)
    assert result.returncode == 0, result.stdout + result.stderr


def test_write_bundle_replaces_files_atomically(tmp_path: Path) -> None:
    (tmp_path / "rule.schema.json").write_text("old", encoding="utf-8")
    write_bundle(tmp_path)
    assert json.loads((tmp_path / "rule.schema.json").read_text(encoding="utf-8")) \
        == BUNDLE["rule.schema.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BUNDLED)   # no temp file left


def test_cli_bundle(tmp_path: Path) -> None:
    from io import StringIO

    from lexlux.cli.main import run
    out, err = StringIO(), StringIO()
    assert run(["schema", "--bundle", str(tmp_path / "s"), "--format", "json"], out, err) == 0
    assert len(json.loads(out.getvalue())["written"]) == len(BUNDLED)
    assert run(["schema"], out, err) == 2 and "--bundle DIR" in err.getvalue()
