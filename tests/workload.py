"""Queues many executions through the catalog's own procedures, in one round trip."""
from __future__ import annotations

from scaleout_catalog import Catalog

_QUEUE_SQL = {
    "postgresql": """
DO $$
DECLARE
    v_id bigint;
BEGIN
    FOR i IN 1..{count} LOOP
        v_id := NULL;
        CALL catalog.create_execution(folder_name => '{folder}', project_name => '{project}',
                                      package_name => '{package}', execution_id => v_id);
        CALL catalog.start_execution(v_id, {retry_count});
    END LOOP;
END
$$""",
    "mssql": """
SET NOCOUNT ON;
DECLARE @i int = 0, @id bigint;
WHILE @i < {count}
BEGIN
    SET @id = NULL;
    EXEC [catalog].[create_execution] @folder_name = N'{folder}', @project_name = N'{project}',
         @package_name = N'{package}', @execution_id = @id OUTPUT;
    EXEC [catalog].[start_execution] @execution_id = @id, @retry_count = {retry_count};
    SET @i += 1;
END""",
}


def queue_executions(catalog: Catalog, count: int, folder: str, project: str, package: str,
                     retry_count: int = 0) -> None:
    sql = _QUEUE_SQL[catalog.dialect].format(count=count, folder=folder, project=project, package=package,
                                             retry_count=retry_count)
    with catalog.engine.begin() as conn:
        conn.connection.dbapi_connection.cursor().execute(sql)
