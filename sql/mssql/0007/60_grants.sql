-- scaleout_catalog, SQL Server, revision 0007: anyone who reads the catalog may grant, deny and revoke
-- (the procedures then ask for MANAGE_PERMISSIONS on the object) and read the permission views; the
-- views created again (30_views.sql) are granted as before. On Babelfish (no ownership chaining, see
-- 0001) the roles also get the new checks and tables, as there, and ssis_logreader the checks its views
-- call.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT EXECUTE ON [catalog].[grant_permission] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT EXECUTE ON [catalog].[deny_permission] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT EXECUTE ON [catalog].[revoke_permission] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[database_principals] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[explicit_object_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[effective_object_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[folders] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[projects] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[packages] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[object_parameters] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[object_versions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[environment_references] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environments] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environment_variables] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[executions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[operations] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[operation_messages] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[event_messages] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[executable_statistics] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[execution_parameter_values] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[tasks] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[task_attempts] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[execution_waits] TO [ssis_admin], [ssis_cluster_executor];
GO
IF SERVERPROPERTY('Babelfish') IS NOT NULL
BEGIN
    DECLARE @sql nvarchar(max);
    SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'GRANT EXECUTE ON [internal].', QUOTENAME(o.[name]),
                                                           N' TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker], [ssis_logreader];')), N' ')
    FROM sys.objects AS o
    WHERE o.[schema_id] = SCHEMA_ID(N'internal') AND o.[type] IN ('P', 'FN')
      AND o.[name] IN (N'caller_has_permission_row', N'caller_holds_permission', N'check_permission', N'folder_is_readable',
                       N'check_permission_parameters', N'update_permission', N'caller_is_admin',
                       N'raise_error', N'null_argument');   -- the last three: ssis_logreader's first procedures
    EXEC sys.sp_executesql @sql;
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[folder_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[project_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[environment_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[operation_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
    GRANT SELECT ON [internal].[object_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
END;
GO
