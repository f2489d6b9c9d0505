"""Projects as untrusted input: every malformed manifest or archive gets a clear error and changes nothing."""
from __future__ import annotations

import io
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from helpers import run_scaleout, snapshot
from scaleout_catalog import errors
from scaleout_catalog.project import ArchiveError, ManifestError, deploy, extract_archive, pack_directory
from scaleout_catalog.project.archive import MAX_MEMBER_BYTES
from workers import FOLDER, PROJECT, PROJECT_DIR, deploy_test_project, run_execution, wait_terminal


def _project(tmp_path: Path, manifest: str) -> Path:
    target = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, target)
    (target / "scaleout.toml").write_text(manifest)
    return target


GOOD = (PROJECT_DIR / "scaleout.toml").read_text()

BAD_MANIFESTS = [
    ("name = 'x'\n", "version", "required"),
    ("version = '1'\n[packages.a]\nentry_point = 'packages.basic:noop'\n", "name", "required"),
    ("name = 'x'\nversion = '1'\n", "packages", "declare at least one package"),
    ("name = 'x'\nversion = '1'\ncolour = 'red'\n[packages.a]\nentry_point = 'packages.basic:noop'\n",
     "colour", "unknown key"),
    ("name = 'x'\nversion = '1'\n[packages.a]\nentry_point = 'packages.basic'\n",
     "packages.a.entry_point", "not of the form module:function"),
    ("name = 'x'\nversion = '1'\n[packages.a]\nentry_point = 'packages.basic:nosuch'\n",
     "packages.a.entry_point", "defines no function 'nosuch'"),
    ("name = 'x'\nversion = '1'\n[packages.a]\nentry_point = 'nosuch.module:run'\n",
     "packages.a.entry_point", "module 'nosuch.module' not found"),
    ("name = 'x'\nversion = '1'\n[packages.a]\nentry_point = 'packages.basic:noop'\n"
     "[packages.a.parameters.N]\ntype = 'Int32'\ndefault = 'ten'\n",
     "packages.a.parameters.N.default", "not a valid Int32"),
    ("name = 'x'\nversion = '1'\n[packages.a]\nentry_point = 'packages.basic:noop'\n"
     "[packages.a.parameters.N]\ntype = 'Int32'\ndefault = 3000000000\n",
     "packages.a.parameters.N.default", "out of range for Int32"),
    ("name = 'x'\nversion = '1'\n[packages.a]\nentry_point = 'packages.basic:noop'\n"
     "[packages.a.parameters.N]\ntype = 'Decimal'\n", "packages.a.parameters.N.type", "not a data type"),
    ("name = 'x'\nversion = '1'\n[packages.a]\nentry_point = 'packages.basic:noop'\n"
     "[packages.a.parameters.N]\ntype = 'String'\nsensitive = 'yes'\n",
     "packages.a.parameters.N.sensitive", "must be true or false"),
    ("name = 'x'\nversion = \n", None, "not valid TOML"),
]


@pytest.mark.parametrize("manifest, key, problem", BAD_MANIFESTS, ids=[b[2] for b in BAD_MANIFESTS])
def test_a_bad_manifest_is_refused_naming_file_key_and_problem(pg_catalog, tmp_path, manifest, key, problem):
    project = _project(tmp_path, manifest)
    before = snapshot(pg_catalog)
    with pytest.raises(ManifestError) as refused:
        deploy(pg_catalog, project, "f", create_folder=True)
    assert str(project / "scaleout.toml") in str(refused.value)
    assert refused.value.key == key and problem in refused.value.problem
    assert snapshot(pg_catalog) == before


def test_scaleout_deploy_prints_one_line_and_exits_non_zero(pg_url, pg_catalog, tmp_path):
    project = _project(tmp_path, GOOD.replace('default = 3\n', 'default = "three"\n', 1))
    before = snapshot(pg_catalog)
    result = run_scaleout("deploy", str(project), "--folder", "f", "--create-folder", "--url", pg_url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {project / 'scaleout.toml'}: packages.hello.parameters.Lines.default: "
        "not a valid Int32: expected a whole number, got 'three'"]
    assert snapshot(pg_catalog) == before

    good = run_scaleout("deploy", str(PROJECT_DIR), "--folder", "f", "--create-folder", "--url", pg_url)
    assert good.returncode == 0, good.stderr
    assert "deployed project testproject 1.0.0 to folder f" in good.stdout
    assert [p.name for p in pg_catalog.packages()] == [
        "bad_event", "close_stdout", "fail", "first_line", "flaky", "flood", "grandchild", "hello",
        "ignore_sigterm", "ledger", "noop", "nul", "secret", "settings", "sleep", "surrogates"]


def _zip(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scaleout.toml", "name = 'evil'\nversion = '1'\n[packages.a]\nentry_point = 'm:run'\n")
        archive.writestr("m.py", "def run(context):\n    pass\n")
        for info, data in members:
            archive.writestr(info, data)
    return buffer.getvalue()


def _link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


UNSAFE_ARCHIVES = [
    ("dotdot", [("../escape.py", b"x")], "contains '..'"),
    ("nested dotdot", [("pkg/../../escape.py", b"x")], "contains '..'"),
    ("absolute", [("/etc/cron.d/evil", b"x")], "an absolute path"),
    ("windows absolute", [("C:/evil.py", b"x")], "an absolute path"),
    ("link", [_link("data", "/etc/passwd")], "is a link"),
    ("oversized", [("big.bin", b"\0" * (MAX_MEMBER_BYTES + 1))], "limit per member"),
]


@pytest.mark.parametrize("members, problem", [(m, p) for _, m, p in UNSAFE_ARCHIVES],
                         ids=[n for n, _, _ in UNSAFE_ARCHIVES])
def test_an_unsafe_archive_is_refused_by_deploy_and_by_the_worker(pg_catalog, tmp_path, members, problem):
    archive = tmp_path / "evil.zip"
    archive.write_bytes(_zip(members))
    before = snapshot(pg_catalog)
    with pytest.raises(ArchiveError, match=problem):
        deploy(pg_catalog, archive, "f", create_folder=True)
    assert snapshot(pg_catalog) == before
    # The worker never trusts what it is given either: extraction refuses it and leaves nothing behind.
    with pytest.raises(ArchiveError, match=problem):
        extract_archive(archive.read_bytes(), tmp_path / "cache" / "x")
    assert not (tmp_path / "cache" / "x").exists() and not (tmp_path / "escape.py").exists()


def test_a_project_directory_with_a_link_is_refused(tmp_path):
    project = _project(tmp_path, GOOD)
    (project / "passwords").symlink_to("/etc/passwd")
    with pytest.raises(ArchiveError, match="passwords: is a link"):
        pack_directory(project)


def test_an_altered_archive_fails_its_checksum(tmp_path):
    stream = pack_directory(PROJECT_DIR)
    with pytest.raises(ArchiveError, match="does not match its catalog checksum"):
        extract_archive(stream[:-1] + b"\1", tmp_path / "x", expected_checksum=__import__("hashlib")
                        .sha256(stream).hexdigest())


def test_packing_is_reproducible():
    assert pack_directory(PROJECT_DIR) == pack_directory(PROJECT_DIR)


def test_a_deployed_archive_deploys_like_its_directory(pg_catalog, tmp_path):
    archive = tmp_path / "testproject.zip"
    archive.write_bytes(pack_directory(PROJECT_DIR))
    manifest, _ = deploy(pg_catalog, archive, "f", create_folder=True)
    assert manifest["name"] == PROJECT and len(manifest["packages"]) == 16


def test_a_parameter_of_the_wrong_type_is_refused_before_anything_runs(pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    execution_id = pg_catalog.create_execution(FOLDER, PROJECT, "sleep")
    before = snapshot(pg_catalog)
    with pytest.raises(errors.ParameterTypeMismatch):
        pg_catalog.set_execution_parameter_value(execution_id, 30, "Seconds", "soon")
    assert snapshot(pg_catalog) == before


def test_the_worker_refuses_an_unsafe_archive_that_reached_the_catalog(pg_catalog, pg_workers):
    """deploy_project stores opaque bytes: a project deployed around `scaleout deploy` is still checked."""
    pg_catalog.create_folder(FOLDER)
    manifest = {"name": PROJECT, "version": "1", "packages": [{"name": "noop", "entry_point": "m:run"}]}
    pg_catalog.deploy_project(FOLDER, PROJECT, _zip([("../escape.py", b"x")]), manifest)
    worker = pg_workers.start_enabled("w1")
    execution_id = run_execution(pg_catalog, "noop")
    e = wait_terminal(pg_catalog, [execution_id], 30)[execution_id]
    assert e.status == 4
    refused = [m.message for m in pg_catalog.operation_messages(execution_id) if m.message_type == 120]
    assert refused == ["The project archive was refused: ../escape.py: contains '..'; "
                       "members must stay inside the project"]
    assert not (worker.state_dir / "escape.py").exists() and not (worker.state_dir.parent / "escape.py").exists()


def test_an_unknown_entry_point_fails_the_execution_with_the_import_error(pg_catalog, pg_workers):
    pg_catalog.create_folder(FOLDER)
    manifest = {"name": PROJECT, "version": "1", "packages": [{"name": "noop", "entry_point": "m:missing"}]}
    pg_catalog.deploy_project(FOLDER, PROJECT, _zip([]), manifest)
    pg_workers.start_enabled("w1")
    execution_id = run_execution(pg_catalog, "noop")
    assert wait_terminal(pg_catalog, [execution_id], 30)[execution_id].status == 4
    errors_logged = [m.message for m in pg_catalog.operation_messages(execution_id) if m.message_type == 120]
    assert len(errors_logged) == 1 and "AttributeError" in errors_logged[0] and "missing" in errors_logged[0]
