-- scaleout_catalog, SQL Server: least privilege by role. Procedures and views reach the
-- tables through ownership chaining (all owned by dbo), so roles need no table rights.
-- Lists of GRANTs are built with STRING_AGG: Babelfish keeps only the last row of SELECT @s = @s + ...
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- ssis_admin: every catalog procedure and view, granted one by one (Babelfish fails on GRANT ... ON SCHEMA).
DECLARE @sql nvarchar(max);
SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'GRANT ', CASE WHEN o.[type] = 'V' THEN N'SELECT' ELSE N'EXECUTE' END,
                                                       N' ON [catalog].', QUOTENAME(o.[name]), N' TO [ssis_admin];')), N' ')
FROM sys.objects AS o WHERE o.[schema_id] = SCHEMA_ID(N'catalog') AND o.[type] IN ('P', 'V');
EXEC sys.sp_executesql @sql;
GO
GRANT EXECUTE ON [catalog].[create_execution] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[set_execution_parameter_value] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[add_execution_worker] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[start_execution] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[stop_operation] TO [ssis_cluster_executor];
GRANT SELECT ON [catalog].[worker_agents] TO [ssis_cluster_executor];
GO
DECLARE @sql nvarchar(max);
SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'GRANT SELECT ON [catalog].', QUOTENAME(v.[name]),
                                                       N' TO [ssis_cluster_executor], [ssis_logreader];')), N' ')
FROM sys.views AS v
WHERE v.[schema_id] = SCHEMA_ID(N'catalog') AND v.[name] <> N'worker_agents';
EXEC sys.sp_executesql @sql;
GO
GRANT EXECUTE ON [internal].[update_worker_agent_status] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[announce_worker_certificate] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[pull_task] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[renew_task_lease] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[update_task_status] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[update_tasks_status] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[append_operation_messages] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[get_task_package] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[get_task_parameters] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[dealwith_expired_tasks] TO [ssis_cluster_worker], [ssis_admin];
GRANT EXECUTE ON [internal].[cleanup_server_retention_window] TO [ssis_cluster_worker], [ssis_admin];
GO
-- Babelfish (4.3) has no ownership chaining at all: a procedure or view runs with its caller's rights
-- on every table, procedure and function it uses. There the roles also get what their procedures and
-- views use: EXECUTE on the internal helpers (each of them safe to call directly: it only checks, raises
-- or computes, or, like end_attempt, apply_task_status and set_worker_agent_enabled, checks for itself
-- that the caller may do what it does), and rights on the internal tables. What each role may EXECUTE
-- stays as on SQL Server, and every call through the procedures is checked as there; but a login that
-- writes its own SQL can read (ssis_logreader) or change (the other roles) those tables directly.
-- catalog_properties OWNERSHIP_CHAINING says which is in force (ON, or OFF on Babelfish).
IF SERVERPROPERTY('Babelfish') IS NOT NULL
BEGIN
    DECLARE @sql nvarchar(max);
    SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'GRANT EXECUTE ON [internal].', QUOTENAME(o.[name]),
                                                           N' TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];')), N' ')
    FROM sys.objects AS o
    WHERE o.[schema_id] = SCHEMA_ID(N'internal') AND o.[type] IN ('P', 'FN')
      AND o.[name] NOT IN (N'update_worker_agent_status', N'announce_worker_certificate', N'pull_task', N'renew_task_lease',
                           N'update_task_status', N'update_tasks_status', N'append_operation_messages',
                           N'get_task_package', N'get_task_parameters', N'dealwith_expired_tasks',
                           N'cleanup_server_retention_window');
    EXEC sys.sp_executesql @sql;
    SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(
               N'GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].', QUOTENAME(t.[name]),
               N' TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];',
               CASE WHEN t.[name] <> N'worker_agents'
                    THEN CONCAT(N' GRANT SELECT ON [internal].', QUOTENAME(t.[name]), N' TO [ssis_logreader];') END)), N' ')
    FROM sys.tables AS t WHERE t.[schema_id] = SCHEMA_ID(N'internal');
    EXEC sys.sp_executesql @sql;
END;
INSERT INTO [internal].[catalog_properties] ([property_name], [property_value])
VALUES (N'OWNERSHIP_CHAINING', CASE WHEN SERVERPROPERTY('Babelfish') IS NULL THEN N'ON' ELSE N'OFF' END);
GO
