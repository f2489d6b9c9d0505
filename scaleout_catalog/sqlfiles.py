"""The SQL files in sql/<dialect>/<revision>/, shipped inside the package.

Each revision folder holds numbered install files, applied in name order, and a
downgrade.sql. T-SQL files are split into batches on GO lines, as sqlcmd does.
"""
from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable

DIALECTS = ("postgresql", "mssql")
_GO = re.compile(r"^[ \t]*GO[ \t]*(?:--.*)?$", re.IGNORECASE | re.MULTILINE)


def revision_dir(dialect: str, revision: str) -> Traversable:
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r}: expected one of {', '.join(DIALECTS)}")
    return resources.files("scaleout_catalog.sql").joinpath(dialect, revision)


def upgrade_files(dialect: str, revision: str) -> list[tuple[str, str]]:
    """(name, text) of a revision's install files, in the order they apply."""
    folder = revision_dir(dialect, revision)
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql") and f.name[0].isdigit())
    return [(n, folder.joinpath(n).read_text(encoding="utf-8")) for n in names]


def downgrade_file(dialect: str, revision: str) -> tuple[str, str]:
    return "downgrade.sql", revision_dir(dialect, revision).joinpath("downgrade.sql").read_text(encoding="utf-8")


# A downgrade's files that run after the earlier definitions are back, where present, in this order:
# grants on what those definitions created again (a PostgreSQL function whose result columns a revision
# changed is dropped, so its grants go with it), then what only the revision's own definitions used.
AFTER_RESTORING = ("downgrade_grants.sql", "downgrade_cleanup.sql")


def downgrade_final_files(dialect: str, revision: str) -> list[tuple[str, str]]:
    folder = revision_dir(dialect, revision)
    return [(name, folder.joinpath(name).read_text(encoding="utf-8"))
            for name in AFTER_RESTORING if folder.joinpath(name).is_file()]


class Batch(str):
    """One batch's text, knowing the line of its file it starts on."""

    line: int

    def __new__(cls, text: str, line: int) -> "Batch":
        batch = super().__new__(cls, text)
        batch.line = line
        return batch


def batches(dialect: str, text: str) -> list[Batch]:
    """The statements to send: T-SQL split on GO lines, as sqlcmd does; a PostgreSQL file goes whole."""
    if dialect != "mssql":
        return [Batch(text, 1)]
    out, start = [], 0
    for match in [*_GO.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[start:end]
        if chunk.strip():
            skipped = len(chunk) - len(chunk.lstrip())
            out.append(Batch(chunk.strip(), text.count("\n", 0, start + skipped) + 1))
        start = match.end() if match else end
    return out


# The start of a routine or view definition: PostgreSQL files hold many, a T-SQL batch holds one.
# A later revision redefines a routine in place (CREATE OR REPLACE, ALTER), so grants are kept; a T-SQL
# function or view is dropped and created again instead (Babelfish has no ALTER FUNCTION or ALTER VIEW).
_DEFINITION = re.compile(
    r"^(CREATE(?:\s+OR\s+(?:REPLACE|ALTER))?|ALTER)\s+(FUNCTION|PROCEDURE|VIEW)\s+([\w\[\]]+\.[\w\[\]]+)",
    re.IGNORECASE | re.MULTILINE)

# What 0001's grants give every internal helper on Babelfish (no ownership chaining there), given back to a
# T-SQL function that a downgrade creates again.
_BABELFISH_HELPER_GRANT = ("IF SERVERPROPERTY('Babelfish') IS NOT NULL GRANT EXECUTE ON {name} "
                           "TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];")


def _object_name(text: str) -> str:
    return text.replace("[", "").replace("]", "").lower()


def definitions(dialect: str, revision: str) -> dict[str, tuple[str, str, str]]:
    """The routines and views a revision's install files define: name -> (kind, written name, text from the verb on)."""
    found: dict[str, tuple[str, str, str]] = {}
    for _, text in upgrade_files(dialect, revision):
        chunks = batches(dialect, text) if dialect == "mssql" else [text]
        for chunk in chunks:
            matches = list(_DEFINITION.finditer(chunk))
            if dialect == "mssql":
                matches = matches[:1]
            for i, match in enumerate(matches):
                end = matches[i + 1].start() if i + 1 < len(matches) else len(chunk)
                body = chunk[match.start():end].rstrip()
                found[_object_name(match.group(3))] = (match.group(2).upper(), match.group(3), body)
    return found


def redefined(dialect: str, revision: str, earlier: list[str]) -> dict[str, tuple[str, str, str]]:
    """What `revision` redefines: its definitions of names an `earlier` revision (oldest first) defined,
    each with that earlier definition."""
    previous: dict[str, tuple[str, str, str]] = {}
    for older in earlier:
        previous.update(definitions(dialect, older))
    return {name: previous[name] for name in definitions(dialect, revision) if name in previous}


def restorations(dialect: str, revision: str, earlier: list[str]) -> list[str]:
    """On a downgrade of `revision`: statements that put back the earlier definitions of what it redefined."""
    out = []
    for _, (kind, written, body) in redefined(dialect, revision, earlier).items():
        if dialect == "postgresql":
            out.append(_DEFINITION.sub(lambda m: f"CREATE OR REPLACE {kind} {m.group(3)}", body, count=1))
        elif kind == "FUNCTION":
            out += [f"DROP FUNCTION IF EXISTS {written};",
                    _DEFINITION.sub(lambda m: f"CREATE FUNCTION {m.group(3)}", body, count=1),
                    _BABELFISH_HELPER_GRANT.format(name=written)]
        elif kind == "VIEW":     # Babelfish has no ALTER VIEW: dropped and created again (the downgrade grants it)
            out += [f"DROP VIEW IF EXISTS {written};",
                    _DEFINITION.sub(lambda m: f"CREATE VIEW {m.group(3)}", body, count=1)]
        else:
            out.append(_DEFINITION.sub(lambda m: f"ALTER {kind} {m.group(3)}", body, count=1))
    return out


class InstallError(Exception):
    """A batch of the catalog's SQL failed: names the file, the batch and the engine's own message."""


def _describe(exc: BaseException) -> str:
    from .errors import native_error
    orig = getattr(exc, "orig", exc)
    number, text = native_error(orig)
    first = text.splitlines()[0] if text else type(orig).__name__
    return f"{first} (error {number})" if number is not None else first


def apply_revision(op, revision: str, direction: str, earlier: tuple[str, ...] = ()) -> None:
    """Runs a revision's files from an Alembic migration, online or offline (--sql). A downgrade runs the
    revision's downgrade.sql, then puts back the `earlier` revisions' definitions of what it redefined."""
    context = op.get_context()
    dialect = context.dialect.name
    if direction == "upgrade":
        files = upgrade_files(dialect, revision)
    else:
        restored = restorations(dialect, revision, list(earlier))
        files = [downgrade_file(dialect, revision)]
        if restored:   # a PostgreSQL body ends with its own semicolon
            files.append(("(earlier definitions)", ("\nGO\n" if dialect == "mssql" else "\n\n").join(restored)))
        files += downgrade_final_files(dialect, revision)
    for name, text in files:
        for number, batch in enumerate(batches(dialect, text)):
            if context.as_sql:
                # Written verbatim: no bind-parameter parsing of colons in the SQL.
                separator = "\nGO\n" if dialect == "mssql" else "\n"
                label = f"-- {revision}/{name}\n" if number == 0 else ""
                context.impl.static_output(f"{label}{batch}{separator}")
                continue
            # The DBAPI cursor, without parameters: the driver then leaves % and ? alone.
            cursor = op.get_bind().connection.dbapi_connection.cursor()
            try:
                cursor.execute(batch)
                while dialect == "mssql" and cursor.nextset():
                    pass   # a later statement's error only surfaces when its result is reached
            except Exception as exc:
                first_line = batch.splitlines()[0]
                raise InstallError(f"{revision}/{name}, line {batch.line} ({first_line[:80]}): "
                                   f"{_describe(exc)}") from exc
            finally:
                cursor.close()
