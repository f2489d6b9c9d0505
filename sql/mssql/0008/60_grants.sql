-- scaleout_catalog, SQL Server, revision 0008: executors schedule what they may run; workers fire
-- schedules; everyone who reads the catalog reads the schedules it may see. On Babelfish (no ownership
-- chaining, see 0001) the roles also get the new helpers and tables, as there.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT EXECUTE ON [catalog].[create_schedule] TO [ssis_admin], [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[enable_schedule] TO [ssis_admin], [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[disable_schedule] TO [ssis_admin], [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[delete_schedule] TO [ssis_admin], [ssis_cluster_executor];
GRANT EXECUTE ON [catalog].[run_schedule_now] TO [ssis_admin], [ssis_cluster_executor];
GRANT EXECUTE ON [internal].[fire_schedules] TO [ssis_admin], [ssis_cluster_worker];
GRANT SELECT ON [catalog].[schedules] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[schedule_runs] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GO
IF SERVERPROPERTY('Babelfish') IS NOT NULL
BEGIN
    DECLARE @sql nvarchar(max);
    SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'GRANT EXECUTE ON [internal].', QUOTENAME(o.[name]),
                                                           N' TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];')), N' ')
    FROM sys.objects AS o
    WHERE o.[schema_id] = SCHEMA_ID(N'internal') AND o.[type] IN ('P', 'FN')
      AND o.[name] IN (N'bit_of', N'cron_value', N'cron_field_mask', N'parse_cron', N'cron_next_time', N'schedule_for_caller',
                       N'schedule_problem', N'start_scheduled_execution', N'fire_schedule', N'is_time_zone');
    EXEC sys.sp_executesql @sql;
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[schedules] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[schedule_parameter_values] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[schedule_runs] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT ON [internal].[schedules] TO [ssis_logreader];
    GRANT SELECT ON [internal].[schedule_runs] TO [ssis_logreader];
END;
GO
