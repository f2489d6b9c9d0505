"""scaleout.toml: the project manifest, read and validated before anything reaches the catalog.

    name = "sales"
    version = "1.0.0"
    description = "Nightly sales load"

    [parameters.Environment]          # project parameters
    type = "String"
    default = "production"

    [packages.load]
    entry_point = "sales.load:run"    # module:function, relative to the project directory
    description = "Loads the day's CSV files"

    [packages.load.parameters.ApiKey]  # package parameters
    type = "String"
    required = true
    sensitive = true

Every error names the file, the key and the problem.
"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path
from typing import Any, Callable

from ..values import DATA_TYPES, parse_value, text_value

MANIFEST_FILE = "scaleout.toml"
# Used with fullmatch: `$` would also match before a trailing newline ("load\n").
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_PACKAGE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\- ]{0,259}")
_ENTRY_POINT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)")
_TOP_KEYS = {"name", "version", "description", "parameters", "packages"}
_PACKAGE_KEYS = {"entry_point", "description", "parameters"}
_PARAMETER_KEYS = {"type", "default", "required", "sensitive", "description"}


class ManifestError(ValueError):
    """scaleout.toml is missing, unreadable or invalid; the message names file, key and problem."""

    def __init__(self, file: str, key: str | None, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


def load_manifest(project_dir: Path, check_entry_points: bool = True) -> dict[str, Any]:
    """Reads and validates project_dir/scaleout.toml; returns the manifest as the catalog takes it."""
    path = Path(project_dir) / MANIFEST_FILE
    try:
        if not path.is_file():
            raise ManifestError(str(path), None, f"not found: a project directory must hold {MANIFEST_FILE}")
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError(str(path), None, f"cannot be read ({exc.strerror or exc})") from None
    data = parse_manifest(raw, str(path))

    def read(rel: str) -> bytes | None:
        file = Path(project_dir) / rel
        try:
            return file.read_bytes() if file.is_file() else None
        except OSError as exc:
            raise ManifestError(str(file), None, f"cannot be read ({exc.strerror or exc})") from None

    checker = (lambda module, function: find_function(module, function, read)) if check_entry_points else None
    return validate_manifest(data, str(path), checker)


def parse_manifest(raw: bytes, file: str) -> dict[str, Any]:
    """scaleout.toml's bytes as TOML (UTF-8, a leading byte-order mark allowed, as editors on Windows write)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(file, None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                        "save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(file, None, f"not valid TOML: {exc}") from None


def validate_manifest(data: dict[str, Any], file: str,
                      find_function: Callable[[str, str], str | None] | None = None) -> dict[str, Any]:
    """Checks a parsed manifest; find_function(module, function) returns a problem or None."""
    def fail(key: str | None, problem: str) -> None:
        raise ManifestError(file, key, problem)

    _no_unknown_keys(data, _TOP_KEYS, "", fail)
    for key in ("name", "version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            fail(key, "required: a non-empty string")
    if not _NAME.fullmatch(data["name"]):
        fail("name", f"{data['name']!r} is not a valid project name (letters, digits and _; at most 128)")
    if not isinstance(data.get("description", ""), str):
        fail("description", "must be a string")
    packages = data.get("packages")
    if not isinstance(packages, dict) or not packages:
        fail("packages", "declare at least one package: [packages.NAME] with entry_point = \"module:function\"")
    manifest: dict[str, Any] = {
        "name": data["name"], "version": data["version"], "description": data.get("description"),
        "parameters": _parameters(data.get("parameters", {}), "parameters", fail),
        "packages": [],
    }
    for name, package in packages.items():
        where = f"packages.{name}"
        _check_entry(name, package, where, _PACKAGE_NAME, "package name", "entry_point = ...", _PACKAGE_KEYS, fail)
        entry_point = package.get("entry_point")
        match = _ENTRY_POINT.fullmatch(entry_point) if isinstance(entry_point, str) else None
        if match is None:
            fail(where + ".entry_point", f"{entry_point!r} is not of the form module:function (e.g. sales.load:run)")
        if find_function is not None:
            problem = find_function(match.group(1), match.group(2))
            if problem:
                fail(where + ".entry_point", problem)
        if not isinstance(package.get("description", ""), str):
            fail(where + ".description", "must be a string")
        manifest["packages"].append({
            "name": name, "entry_point": entry_point, "description": package.get("description"),
            "parameters": _parameters(package.get("parameters", {}), where + ".parameters", fail),
        })
    return manifest


def _parameters(table: Any, where: str, fail: Callable[[str | None, str], None]) -> list[dict[str, Any]]:
    if not isinstance(table, dict):
        fail(where, "must be a table of parameters: [" + where + ".NAME] with type = ...")
    out = []
    for name, spec in table.items():
        key = f"{where}.{name}"
        _check_entry(name, spec, key, _NAME, "parameter name (letters, digits and _; at most 128)", "type = ...",
                     _PARAMETER_KEYS, fail)
        data_type = spec.get("type")
        if data_type not in DATA_TYPES:
            fail(key + ".type", f"{data_type!r} is not a data type; use one of {', '.join(DATA_TYPES)}")
        for flag in ("required", "sensitive"):
            if not isinstance(spec.get(flag, False), bool):
                fail(f"{key}.{flag}", "must be true or false")
        default = spec.get("default")
        if default is not None:
            try:
                default = text_value(parse_value(data_type, default))
            except ValueError as exc:
                fail(key + ".default", f"not a valid {data_type}: {exc}")
        out.append({"name": name, "type": data_type, "default": default,
                    "required": spec.get("required", False), "sensitive": spec.get("sensitive", False),
                    "description": spec.get("description")})
    return out


def _check_entry(name: str, value: Any, key: str, pattern: re.Pattern[str], what: str, hint: str,
                 allowed: set[str], fail: Callable[[str | None, str], None]) -> None:
    """A named sub-table ([packages.NAME], [...parameters.NAME]): a valid name, a table, known keys."""
    if not pattern.fullmatch(name):
        fail(key, f"{name!r} is not a valid {what}")
    if not isinstance(value, dict):
        fail(key, f"must be a table with {hint}")
    _no_unknown_keys(value, allowed, key + ".", fail)


def _no_unknown_keys(table: dict[str, Any], allowed: set[str], prefix: str,
                     fail: Callable[[str | None, str], None]) -> None:
    for key in table:
        if key not in allowed:
            fail(prefix + key, f"unknown key; expected one of {', '.join(sorted(allowed))}")


def find_function(module: str, function: str, read: Callable[[str], bytes | None]) -> str | None:
    """Checks, without running project code, that `module` defines `function` at top level.

    read(relative_path) returns a project file's bytes, or None if there is no such file.
    """
    base = module.replace(".", "/")
    for rel in (base + ".py", base + "/__init__.py"):
        source = read(rel)
        if source is not None:
            break
    else:
        return f"module {module!r} not found: expected {base}.py in the project"
    try:
        tree = ast.parse(source, rel)   # bytes: the source's own encoding declaration applies, as on import
    except (SyntaxError, ValueError) as exc:
        return f"module {module!r} cannot be parsed: {' '.join(str(exc).split())}"
    except (RecursionError, MemoryError):   # the parser's own stack limit on deeply nested source
        return f"module {module!r} cannot be parsed: it is nested too deeply"
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    names |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    names |= {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    if function not in names:
        return f"module {module!r} defines no function {function!r}"
    return None
