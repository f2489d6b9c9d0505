-- scaleout_catalog, SQL Server: the end of removing revision 0007, once the earlier views and procedures
-- are back: the views' grants, as the earlier revisions gave them; then the permission checks and the
-- permissions themselves.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
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
DROP FUNCTION IF EXISTS [internal].[folder_is_readable];
DROP FUNCTION IF EXISTS [internal].[check_permission];
DROP FUNCTION IF EXISTS [internal].[caller_holds_permission];
DROP FUNCTION IF EXISTS [internal].[caller_has_permission_row];
DROP VIEW IF EXISTS [internal].[object_permissions];
DROP TABLE IF EXISTS [internal].[operation_permissions];
DROP TABLE IF EXISTS [internal].[environment_permissions];
DROP TABLE IF EXISTS [internal].[project_permissions];
DROP TABLE IF EXISTS [internal].[folder_permissions];
GO
-- Babelfish: ssis_logreader called no procedure before 0007.
IF SERVERPROPERTY('Babelfish') IS NOT NULL
BEGIN
    REVOKE EXECUTE ON [internal].[caller_is_admin] FROM [ssis_logreader];
    REVOKE EXECUTE ON [internal].[raise_error] FROM [ssis_logreader];
    REVOKE EXECUTE ON [internal].[null_argument] FROM [ssis_logreader];
END;
GO
