-- scaleout_catalog, SQL Server: least privilege by role. Procedures and views reach the
-- tables through ownership chaining (all owned by dbo), so roles need no table rights.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT EXECUTE ON SCHEMA::[catalog] TO [ssis_admin];
GRANT SELECT ON SCHEMA::[catalog] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[create_execution] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[set_execution_parameter_value] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[add_execution_worker] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[start_execution] TO [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[stop_operation] TO [ssis_cluster_executor];
GRANT SELECT ON [catalog].[worker_agents] TO [ssis_cluster_executor];
GO
DECLARE @sql nvarchar(max) = N'';
SELECT @sql = @sql + CONCAT(N'GRANT SELECT ON [catalog].', QUOTENAME(v.[name]), N' TO [ssis_cluster_executor], [ssis_logreader];')
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
