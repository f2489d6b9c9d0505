-- scaleout_catalog, SQL Server, revision 0007: the views show a caller only what it may read, as
-- SSISDB's do. ssis_admin (and ssis_logreader, which reads the whole catalog's history) sees every row;
-- others see the folders, projects and environments they have READ on (explicitly, or through the
-- folder's READ_OBJECTS), and the executions they created or were granted READ on. A folder is also
-- visible to whoever may read something in it (SSISDB shows it only with READ on the folder itself).
-- Each is dropped and created again (Babelfish has no ALTER VIEW), then granted as before (60_grants.sql).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP VIEW IF EXISTS [catalog].[folders];
GO
CREATE VIEW [catalog].[folders]
AS
SELECT [folder_id] AS [id], [name], [description], [created_by_name], [created_time] FROM [internal].[folders]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[folder_is_readable]([folder_id]) = 1);
GO
DROP VIEW IF EXISTS [catalog].[projects];
GO
CREATE VIEW [catalog].[projects]
AS
SELECT p.[project_id], p.[folder_id], p.[name], p.[description], 1 AS [project_format_version],
       p.[deployed_by_name], p.[last_deployed_time], p.[created_time], p.[object_version_lsn], v.[version]
FROM [internal].[projects] AS p
LEFT JOIN [internal].[object_versions] AS v ON v.[object_version_lsn] = p.[object_version_lsn]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](2, p.[project_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[packages];
GO
CREATE VIEW [catalog].[packages]
AS
SELECT k.[package_id], k.[name], k.[description], k.[entry_point] AS [entry_point_name], p.[project_id],
       CONVERT(bit, 1) AS [entry_point]
FROM [internal].[packages] AS k
INNER JOIN [internal].[projects] AS p ON p.[object_version_lsn] = k.[project_version_lsn]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](2, p.[project_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[object_parameters];
GO
CREATE VIEW [catalog].[object_parameters]
AS
SELECT op.[parameter_id], p.[project_id], op.[object_type], op.[object_name], op.[parameter_name], op.[data_type],
       op.[required], op.[sensitive],
       CASE WHEN op.[sensitive] = 1 THEN NULL ELSE op.[default_value] END AS [design_default_value],
       op.[description],
       CASE WHEN op.[sensitive] = 1 OR op.[value_type] = 'R' THEN NULL ELSE op.[server_value] END AS [default_value],
       op.[value_type], op.[value_set], op.[referenced_variable_name],
       CONVERT(char(1), 'N') AS [validation_status], CONVERT(datetimeoffset(7), NULL) AS [last_validation_time]
FROM [internal].[object_parameters] AS op
INNER JOIN [internal].[projects] AS p ON p.[object_version_lsn] = op.[project_version_lsn]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](2, p.[project_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[object_versions];
GO
CREATE VIEW [catalog].[object_versions]
AS
SELECT v.[object_version_lsn], v.[project_id] AS [object_id], CONVERT(smallint, 20) AS [object_type],
       p.[name] AS [object_name], v.[version] AS [description], v.[created_by], v.[created_time], v.[restored_by],
       v.[last_restored_time]
FROM [internal].[object_versions] AS v
INNER JOIN [internal].[projects] AS p ON p.[project_id] = v.[project_id]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](2, v.[project_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[environment_references];
GO
CREATE VIEW [catalog].[environment_references]
AS
SELECT [reference_id], [project_id], [reference_type], [environment_folder_name], [environment_name],
       [validation_status], [last_validation_time]
FROM [internal].[environment_references]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](2, [project_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[environments];
GO
CREATE VIEW [catalog].[environments]
AS
SELECT [environment_id], [environment_name] AS [name], [folder_id], [description],
       CONVERT(varbinary(85), NULL) AS [created_by_sid], [created_by_name], [created_time]
FROM [internal].[environments]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](3, [environment_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[environment_variables];
GO
CREATE VIEW [catalog].[environment_variables]
AS
SELECT [variable_id], [environment_id], [name], [description], [type], [sensitive],
       CASE WHEN [sensitive] = 1 THEN NULL ELSE [value] END AS [value]
FROM [internal].[environment_variables]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](3, [environment_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[executions];
GO
CREATE VIEW [catalog].[executions]
AS
SELECT e.[execution_id], e.[folder_name], e.[project_name], e.[package_name],
       e.[reference_id], e.[reference_type], e.[environment_folder_name], e.[environment_name],
       e.[project_lsn], CONVERT(varbinary(85), NULL) AS [executed_as_sid], e.[executed_as_name], e.[use32bitruntime],
       o.[operation_type], o.[created_time], o.[object_type], o.[object_id], o.[status], o.[start_time], o.[end_time],
       CONVERT(varbinary(85), NULL) AS [caller_sid], o.[caller_name], o.[process_id],
       CONVERT(varbinary(85), NULL) AS [stopped_by_sid], o.[stopped_by_name],
       CONVERT(uniqueidentifier, NULL) AS [dump_id], o.[server_name], o.[machine_name],
       CONVERT(bigint, NULL) AS [total_physical_memory_kb], CONVERT(bigint, NULL) AS [available_physical_memory_kb],
       CONVERT(bigint, NULL) AS [total_page_file_kb], CONVERT(bigint, NULL) AS [available_page_file_kb],
       CONVERT(int, NULL) AS [cpu_count], o.[worker_agent_id], o.[executed_count]
FROM [internal].[executions] AS e
INNER JOIN [internal].[operations] AS o ON o.[operation_id] = e.[execution_id]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, o.[operation_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[operations];
GO
CREATE VIEW [catalog].[operations]
AS
SELECT [operation_id], [operation_type], [created_time], [object_type], [object_id], [object_name], [status],
       [start_time], [end_time], CONVERT(varbinary(85), NULL) AS [caller_sid], [caller_name], [process_id],
       CONVERT(varbinary(85), NULL) AS [stopped_by_sid], [stopped_by_name], [server_name], [machine_name]
FROM [internal].[operations]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, [operation_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[operation_messages];
GO
CREATE VIEW [catalog].[operation_messages]
AS
SELECT [operation_message_id], [operation_id], [message_time], [message_type], [message_source_type], [message],
       CONVERT(bigint, NULL) AS [extended_info_id], [event_message_guid], [worker_agent_id], [attempt]
FROM [internal].[operation_messages]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, [operation_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[event_messages];
GO
CREATE VIEW [catalog].[event_messages]
AS
SELECT m.[operation_message_id] AS [event_message_id], m.[operation_id], m.[message_time], m.[message_type],
       m.[message_source_type], m.[message], CONVERT(bigint, NULL) AS [extended_info_id], e.[package_name],
       CASE m.[message_type] WHEN 120 THEN N'OnError' WHEN 110 THEN N'OnWarning' WHEN 70 THEN N'OnInformation'
                             WHEN 10 THEN N'OnPreValidate' WHEN 20 THEN N'OnPostValidate' WHEN 30 THEN N'OnPreExecute'
                             WHEN 40 THEN N'OnPostExecute' WHEN 60 THEN N'OnProgress' WHEN 100 THEN N'OnQueryCancel'
                             WHEN 130 THEN N'OnTaskFailed' WHEN 90 THEN N'Diagnostic' END AS [event_name],
       CASE m.[message_source_type] WHEN 10 THEN N'Transact-SQL stored procedure' WHEN 20 THEN N'Scale Out worker'
                                    ELSE e.[package_name] END AS [message_source_name],
       CONVERT(nvarchar(38), NULL) AS [message_source_id], CONVERT(nvarchar(4000), NULL) AS [subcomponent_name],
       CONVERT(nvarchar(max), N'\Package') AS [package_path],
       CONVERT(nvarchar(max), CONCAT(N'\', e.[package_name])) AS [execution_path],
       CONVERT(int, NULL) AS [threadID], CONVERT(int, NULL) AS [message_code], m.[event_message_guid]
FROM [internal].[operation_messages] AS m
INNER JOIN [internal].[executions] AS e ON e.[execution_id] = m.[operation_id]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, m.[operation_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[executable_statistics];
GO
CREATE VIEW [catalog].[executable_statistics]
AS
SELECT a.[statistics_id], a.[execution_id], CONVERT(bigint, NULL) AS [executable_id],
       CONVERT(nvarchar(max), CONCAT(N'\', e.[package_name])) AS [execution_path],
       a.[claimed_time] AS [start_time], a.[ended_time] AS [end_time],
       CONVERT(int, DATEDIFF_BIG(millisecond, a.[claimed_time], a.[ended_time])) AS [execution_duration],
       CONVERT(smallint, CASE a.[status] WHEN 5 THEN 0 WHEN 6 THEN 3 WHEN 1 THEN 2 ELSE 1 END) AS [execution_result],
       CONVERT(nvarchar(4000), NULL) AS [execution_value],
       a.[attempt], a.[worker_agent_id]
FROM [internal].[task_attempts] AS a
INNER JOIN [internal].[executions] AS e ON e.[execution_id] = a.[execution_id]
WHERE a.[ended_time] IS NOT NULL
  AND (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, a.[execution_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[execution_parameter_values];
GO
CREATE VIEW [catalog].[execution_parameter_values]
AS
SELECT [execution_parameter_id], [execution_id], [object_type], [parameter_data_type], [parameter_name],
       CASE WHEN [sensitive] = 1 THEN NULL ELSE [parameter_value] END AS [parameter_value],
       [sensitive], [required], [value_set], [runtime_override]
FROM [internal].[execution_parameter_values]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, [execution_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[tasks];
GO
CREATE VIEW [catalog].[tasks]
AS
SELECT [task_id] AS [TaskId], [job_id] AS [JobId], [execution_id], [task_type] AS [TaskType], [status] AS [Status],
       [executed_count] AS [ExecutedCount], [max_executed_count] AS [MaxExecutedCount],
       [worker_agent_id] AS [WorkerAgentId], [ready_for_dispatch_time] AS [ReadyForDispatchTime],
       [expired_time] AS [ExpiredTime], [last_pickup_time] AS [LastPickupTime], [is_cancelled] AS [IsCancelled],
       [priority] AS [Priority], [created_time] AS [CreatedTime], [last_updated_time] AS [LastUpdatedTime]
FROM [internal].[tasks]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, [execution_id], 1) = 1)
UNION ALL
SELECT [task_id], [job_id], [execution_id], [task_type], [status], [executed_count], [max_executed_count],
       [worker_agent_id], NULL, NULL, [last_pickup_time], [is_cancelled], [priority], [created_time], [last_updated_time]
FROM [internal].[tasks_history]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, [execution_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[task_attempts];
GO
CREATE VIEW [catalog].[task_attempts]
AS
SELECT [task_id], [execution_id], [attempt], [worker_agent_id], [claimed_time], [ended_time], [status]
FROM [internal].[task_attempts]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, [execution_id], 1) = 1);
GO
DROP VIEW IF EXISTS [catalog].[execution_waits];
GO
CREATE VIEW [catalog].[execution_waits]
AS
SELECT t.[execution_id], e.[eligible_workers], e.[enabled_workers], e.[online_workers], e.[free_slots],
       e.[certificate_disabled_workers],
       CONVERT(int, (SELECT COUNT(*) FROM [internal].[tasks] AS a
        WHERE a.[status] = 1 AND (a.[priority] > t.[priority] OR (a.[priority] = t.[priority]
              AND (a.[ready_for_dispatch_time] < t.[ready_for_dispatch_time]
                   OR (a.[ready_for_dispatch_time] = t.[ready_for_dispatch_time] AND a.[task_id] < t.[task_id])))))) AS [tasks_ahead],
       CONVERT(nvarchar(32), CASE WHEN e.[enabled_workers] = 0 AND e.[certificate_disabled_workers] > 0
                                  THEN N'certificate_changed'
            WHEN e.[enabled_workers] = 0 THEN N'no_enabled_worker'
            WHEN e.[online_workers] = 0 THEN N'no_online_worker'
            WHEN e.[free_slots] = 0 THEN N'workers_full'
            ELSE N'queued' END) AS [reason]
FROM [internal].[tasks] AS t
CROSS APPLY (
    SELECT CONVERT(int, COUNT(*)) AS [eligible_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 THEN 1 ELSE 0 END), 0)) AS [enabled_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 0 AND w.[disabled_reason] = N'certificate' THEN 1 ELSE 0 END), 0))
               AS [certificate_disabled_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 AND w.[online] = 1 THEN 1 ELSE 0 END), 0)) AS [online_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 AND w.[online] = 1 AND COALESCE(w.[max_tasks], 1) > w.[running]
                                          THEN COALESCE(w.[max_tasks], 1) - w.[running] ELSE 0 END), 0)) AS [free_slots]
    FROM (SELECT wa.[is_enabled], wa.[max_tasks], wa.[disabled_reason],
                 CASE WHEN wa.[last_online_time] >= DATEADD(second,
                          -(SELECT CONVERT(int, p.[property_value]) FROM [internal].[catalog_properties] AS p
                            WHERE p.[property_name] = N'WORKER_ONLINE_WINDOW_SECONDS'), SYSDATETIMEOFFSET())
                      THEN 1 ELSE 0 END AS [online],
                 (SELECT COUNT(*) FROM [internal].[tasks] AS r
                  WHERE r.[worker_agent_id] = wa.[worker_agent_id] AND r.[status] = 2) AS [running]
          FROM [internal].[worker_agents] AS wa
          WHERE t.[use_any_worker] = 1
             OR EXISTS (SELECT 1 FROM [internal].[job_worker_agents] AS j
                        WHERE j.[job_id] = t.[job_id] AND j.[worker_agent_id] = wa.[worker_agent_id])) AS w) AS e
WHERE t.[status] = 1
  AND (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, t.[execution_id], 1) = 1);
GO
