-- scaleout_catalog, SQL Server, revision 0008: schedules and their runs, to whoever may read the project
-- a schedule runs (or owns the schedule); ssis_admin and ssis_logreader see them all.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE VIEW [catalog].[schedules]
AS
SELECT s.[schedule_id], s.[folder_name], s.[name], s.[project_name], s.[package_name], s.[reference_id],
       s.[cron_expression], s.[time_zone], s.[retry_count], s.[worker_agent_id], s.[missed_run_policy], s.[is_enabled],
       s.[owner_name], s.[created_time], s.[next_run_time], s.[last_run_time], s.[last_execution_id],
       o.[status] AS [last_status]
FROM [internal].[schedules] AS s
LEFT JOIN [internal].[operations] AS o ON o.[operation_id] = s.[last_execution_id]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR s.[owner_name] = SUSER_SNAME()
       OR EXISTS (SELECT 1 FROM [internal].[projects] AS p INNER JOIN [internal].[folders] AS f ON f.[folder_id] = p.[folder_id]
                  WHERE f.[name] = s.[folder_name] AND p.[name] = s.[project_name]
                    AND [internal].[check_permission](2, p.[project_id], 1) = 1));
GO
CREATE VIEW [catalog].[schedule_runs]
AS
SELECT r.[run_id], r.[schedule_id], s.[folder_name], s.[name] AS [schedule_name], r.[run_type], r.[due_time], r.[fired_time],
       r.[fired_by], r.[execution_id], r.[missed_count], r.[error_number], r.[error_message]
FROM [internal].[schedule_runs] AS r
INNER JOIN [catalog].[schedules] AS s ON s.[schedule_id] = r.[schedule_id];
GO
