-- scaleout_catalog, SQL Server, revision 0006: environments, variables (a sensitive value never
-- shown), references, the values set on deployed parameters, and the environment of an execution.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE VIEW [catalog].[environments]
AS
SELECT [environment_id], [environment_name] AS [name], [folder_id], [description],
       CONVERT(varbinary(85), NULL) AS [created_by_sid], [created_by_name], [created_time]
FROM [internal].[environments];
GO
CREATE VIEW [catalog].[environment_variables]
AS
SELECT [variable_id], [environment_id], [name], [description], [type], [sensitive],
       CASE WHEN [sensitive] = 1 THEN NULL ELSE [value] END AS [value]
FROM [internal].[environment_variables];
GO
CREATE VIEW [catalog].[environment_references]
AS
SELECT [reference_id], [project_id], [reference_type], [environment_folder_name], [environment_name],
       [validation_status], [last_validation_time]
FROM [internal].[environment_references];
GO
-- SSISDB's columns; design_default_value was the only value before, the others follow it. Dropped and
-- created again (Babelfish has no ALTER VIEW); 60_grants.sql grants it again.
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
INNER JOIN [internal].[projects] AS p ON p.[object_version_lsn] = op.[project_version_lsn];
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
INNER JOIN [internal].[operations] AS o ON o.[operation_id] = e.[execution_id];
GO
-- The versions kept of each project (SSISDB's columns; object_type 20, the project).
CREATE VIEW [catalog].[object_versions]
AS
SELECT v.[object_version_lsn], v.[project_id] AS [object_id], CONVERT(smallint, 20) AS [object_type],
       p.[name] AS [object_name], v.[version] AS [description], v.[created_by], v.[created_time], v.[restored_by],
       v.[last_restored_time]
FROM [internal].[object_versions] AS v
INNER JOIN [internal].[projects] AS p ON p.[project_id] = v.[project_id];
GO
-- Statistics per package run, SSISDB's columns: one row per attempt that has ended. execution_result:
-- 0 success, 1 failure (the package failed, or its worker was lost), 2 completion (given back to the
-- queue unfinished), 3 cancelled.
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
WHERE a.[ended_time] IS NOT NULL;
GO
-- The messages as SSISDB's event_messages shows them: the event each message type stands for, and
-- where it came from (10 the catalog's procedures, 20 the worker, 30 the package itself).
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
INNER JOIN [internal].[executions] AS e ON e.[execution_id] = m.[operation_id];
GO
