-- scaleout_catalog, SQL Server: removes revision 0006. What it redefined is put back from the earlier
-- revisions after this (the executions view first, here, so that its columns can go).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP PROCEDURE IF EXISTS [catalog].[create_environment];
DROP PROCEDURE IF EXISTS [catalog].[delete_environment];
DROP PROCEDURE IF EXISTS [catalog].[rename_environment];
DROP PROCEDURE IF EXISTS [catalog].[move_environment];
DROP PROCEDURE IF EXISTS [catalog].[set_environment_property];
DROP PROCEDURE IF EXISTS [catalog].[create_environment_variable];
DROP PROCEDURE IF EXISTS [catalog].[set_environment_variable_value];
DROP PROCEDURE IF EXISTS [catalog].[set_environment_variable_property];
DROP PROCEDURE IF EXISTS [catalog].[set_environment_variable_protection];
DROP PROCEDURE IF EXISTS [catalog].[delete_environment_variable];
DROP PROCEDURE IF EXISTS [catalog].[create_environment_reference];
DROP PROCEDURE IF EXISTS [catalog].[delete_environment_reference];
DROP PROCEDURE IF EXISTS [catalog].[set_environment_reference_type];
DROP PROCEDURE IF EXISTS [catalog].[set_object_parameter_value];
DROP PROCEDURE IF EXISTS [catalog].[clear_object_parameter_value];
DROP PROCEDURE IF EXISTS [catalog].[restore_project];
DROP PROCEDURE IF EXISTS [catalog].[get_project];
DROP PROCEDURE IF EXISTS [catalog].[delete_project];
DROP PROCEDURE IF EXISTS [catalog].[move_project];
DROP PROCEDURE IF EXISTS [catalog].[delete_folder];
DROP PROCEDURE IF EXISTS [catalog].[rename_folder];
DROP PROCEDURE IF EXISTS [catalog].[set_folder_description];
DROP VIEW IF EXISTS [catalog].[object_versions];
DROP VIEW IF EXISTS [catalog].[executable_statistics];
DROP VIEW IF EXISTS [catalog].[event_messages];
DROP VIEW IF EXISTS [catalog].[environments];
DROP VIEW IF EXISTS [catalog].[environment_variables];
DROP VIEW IF EXISTS [catalog].[environment_references];
GO
ALTER VIEW [catalog].[object_parameters]
AS
SELECT op.[parameter_id], p.[project_id], op.[object_type], op.[object_name], op.[parameter_name], op.[data_type],
       op.[required], op.[sensitive],
       CASE WHEN op.[sensitive] = 1 THEN NULL ELSE op.[default_value] END AS [design_default_value]
FROM [internal].[object_parameters] AS op
INNER JOIN [internal].[projects] AS p ON p.[object_version_lsn] = op.[project_version_lsn];
GO
ALTER VIEW [catalog].[executions]
AS
SELECT e.[execution_id], e.[folder_name], e.[project_name], e.[package_name],
       CONVERT(bigint, NULL) AS [reference_id], CONVERT(char(1), NULL) AS [reference_type],
       CONVERT(nvarchar(128), NULL) AS [environment_folder_name], CONVERT(nvarchar(128), NULL) AS [environment_name],
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
DROP FUNCTION IF EXISTS [internal].[starting_parameter_values];
DROP PROCEDURE IF EXISTS [internal].[carry_parameter_values];
DROP PROCEDURE IF EXISTS [internal].[prune_project_versions];
DROP PROCEDURE IF EXISTS [internal].[encrypt_execution_values];
DROP PROCEDURE IF EXISTS [internal].[object_parameter_of];
DROP PROCEDURE IF EXISTS [internal].[require_object_type];
DROP PROCEDURE IF EXISTS [internal].[require_new_reference];
DROP PROCEDURE IF EXISTS [internal].[require_reference_type];
DROP FUNCTION IF EXISTS [internal].[referenced_environment_id];
DROP PROCEDURE IF EXISTS [internal].[project_of];
DROP PROCEDURE IF EXISTS [internal].[require_typed_value];
DROP PROCEDURE IF EXISTS [internal].[environment_variable_of];
DROP PROCEDURE IF EXISTS [internal].[environment_of];
DROP PROCEDURE IF EXISTS [internal].[folder_id_of];
DROP PROCEDURE IF EXISTS [internal].[require_valid_description];
DROP FUNCTION IF EXISTS [internal].[is_valid_name];
DROP TABLE IF EXISTS [internal].[environment_references];
DROP TABLE IF EXISTS [internal].[environment_variables];
DROP TABLE IF EXISTS [internal].[environments];
GO
ALTER TABLE [internal].[object_parameters] DROP CONSTRAINT [DF_object_parameters_value_type];
ALTER TABLE [internal].[object_parameters] DROP CONSTRAINT [DF_object_parameters_value_set];
ALTER TABLE [internal].[object_parameters] DROP COLUMN [value_type], [value_set], [server_value], [sensitive_server_value],
    [referenced_variable_name];
ALTER TABLE [internal].[object_versions] DROP COLUMN [restored_by], [last_restored_time];
ALTER TABLE [internal].[task_attempts] DROP COLUMN [statistics_id];
ALTER TABLE [internal].[executions] DROP COLUMN [reference_id], [reference_type], [environment_folder_name], [environment_name];
GO
