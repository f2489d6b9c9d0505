-- scaleout_catalog, SQL Server, revision 0012: the views over executions and their history decide what a
-- login that is not an admin may read in the query itself, not in a function call a row.
-- Revision 0007 called [internal].[check_permission](4, id, 1) for every row such a login was shown: on
-- Babelfish 4 to 8 ms a row, each call running T-SQL of its own. The rule is the same (SSISDB's, as
-- [internal].[caller_holds_permission] has it for an operation's READ): ssis_admin, db_owner, sysadmin and
-- ssis_logreader read every row; anyone else reads an operation it created or was granted READ on, unless
-- READ on it is denied to it or a role it is in (DENY beats GRANT, and beats being its creator).
-- Per row that is one seek of [internal].[operation_permissions]' unique index, which holds no row for most
-- operations. The folders, projects and environments views keep their per-row checks: one row an object,
-- where these views have one (or many) an execution.
-- Whether the caller reads the whole catalog is asked once a query (EXISTS over no table: Babelfish plans
-- it as an InitPlan, as PostgreSQL's twin does), where revision 0007's four calls ran for every row a
-- login that is not an admin was shown (one to three for an admin).
-- Each view is dropped and created again (Babelfish has no ALTER VIEW), then granted as revision 0007 did.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The caller's rows of [internal].[operation_permissions]: granted or denied to it, to public (0), or to a
-- role it is a member of. The catalog views read it through their owner.
CREATE VIEW [internal].[caller_operation_permissions]
AS
SELECT p.[object_id], p.[permission_type], p.[is_deny]
FROM [internal].[operation_permissions] AS p
WHERE p.[principal_id] = 0 OR p.[principal_id] = DATABASE_PRINCIPAL_ID() OR IS_MEMBER(USER_NAME(p.[principal_id])) = 1;
GO
-- In each view below, READ on an operation for a caller that does not read the whole catalog:
--   ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END) FROM [internal].[caller_operation_permissions] AS g
--           WHERE g.[object_id] = <operation> AND g.[permission_type] = 1),
--          CASE WHEN <operation's caller_name> = SUSER_SNAME() THEN 1 ELSE 0 END) = 1
-- 0 when a row denies it, 1 when rows grant it, and with no row, whether the caller created it. ISNULL, not
-- COALESCE: SQL Server rewrites COALESCE as CASE and runs a subquery in it twice.
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
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = o.[operation_id] AND g.[permission_type] = 1),
                 CASE WHEN o.[caller_name] = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
GO
DROP VIEW IF EXISTS [catalog].[operations];
GO
CREATE VIEW [catalog].[operations]
AS
SELECT o.[operation_id], o.[operation_type], o.[created_time], o.[object_type], o.[object_id], o.[object_name],
       o.[status], o.[start_time], o.[end_time], CONVERT(varbinary(85), NULL) AS [caller_sid], o.[caller_name],
       o.[process_id], CONVERT(varbinary(85), NULL) AS [stopped_by_sid], o.[stopped_by_name], o.[server_name],
       o.[machine_name]
FROM [internal].[operations] AS o
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = o.[operation_id] AND g.[permission_type] = 1),
                 CASE WHEN o.[caller_name] = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
GO
DROP VIEW IF EXISTS [catalog].[operation_messages];
GO
CREATE VIEW [catalog].[operation_messages]
AS
SELECT m.[operation_message_id], m.[operation_id], m.[message_time], m.[message_type], m.[message_source_type],
       m.[message], CONVERT(bigint, NULL) AS [extended_info_id], m.[event_message_guid], m.[worker_agent_id], m.[attempt]
FROM [internal].[operation_messages] AS m
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = m.[operation_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = m.[operation_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
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
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = m.[operation_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = m.[operation_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
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
  AND (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = a.[execution_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = a.[execution_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
GO
DROP VIEW IF EXISTS [catalog].[execution_parameter_values];
GO
CREATE VIEW [catalog].[execution_parameter_values]
AS
SELECT v.[execution_parameter_id], v.[execution_id], v.[object_type], v.[parameter_data_type], v.[parameter_name],
       CASE WHEN v.[sensitive] = 1 THEN NULL ELSE v.[parameter_value] END AS [parameter_value],
       v.[sensitive], v.[required], v.[value_set], v.[runtime_override]
FROM [internal].[all_execution_parameter_values] AS v
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = v.[execution_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = v.[execution_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
GO
DROP VIEW IF EXISTS [catalog].[tasks];
GO
CREATE VIEW [catalog].[tasks]
AS
SELECT t.[task_id] AS [TaskId], t.[job_id] AS [JobId], t.[execution_id], t.[task_type] AS [TaskType], t.[status] AS [Status],
       t.[executed_count] AS [ExecutedCount], t.[max_executed_count] AS [MaxExecutedCount],
       t.[worker_agent_id] AS [WorkerAgentId], t.[ready_for_dispatch_time] AS [ReadyForDispatchTime],
       t.[expired_time] AS [ExpiredTime], t.[last_pickup_time] AS [LastPickupTime], t.[is_cancelled] AS [IsCancelled],
       t.[priority] AS [Priority], t.[created_time] AS [CreatedTime], t.[last_updated_time] AS [LastUpdatedTime]
FROM [internal].[tasks] AS t
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = t.[execution_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = t.[execution_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1)
UNION ALL
SELECT h.[task_id], h.[job_id], h.[execution_id], h.[task_type], h.[status], h.[executed_count], h.[max_executed_count],
       h.[worker_agent_id], NULL, NULL, h.[last_pickup_time], h.[is_cancelled], h.[priority], h.[created_time],
       h.[last_updated_time]
FROM [internal].[tasks_history] AS h
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = h.[execution_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = h.[execution_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
GO
DROP VIEW IF EXISTS [catalog].[task_attempts];
GO
CREATE VIEW [catalog].[task_attempts]
AS
SELECT a.[task_id], a.[execution_id], a.[attempt], a.[worker_agent_id], a.[claimed_time], a.[ended_time], a.[status]
FROM [internal].[task_attempts] AS a
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = a.[execution_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = a.[execution_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
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
  AND (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                  FROM [internal].[caller_operation_permissions] AS g
                  WHERE g.[object_id] = t.[execution_id] AND g.[permission_type] = 1),
                 CASE WHEN (SELECT c.[caller_name] FROM [internal].[operations] AS c WHERE c.[operation_id] = t.[execution_id]) = SUSER_SNAME() THEN 1 ELSE 0 END) = 1);
GO
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
