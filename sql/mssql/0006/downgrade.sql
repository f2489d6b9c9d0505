-- scaleout_catalog, SQL Server: removes revision 0006. What it redefined is put back from the earlier
-- revisions after this, and downgrade_grants.sql grants the two views it created again.
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
-- The two views it created again go now, so that their columns can; the earlier definitions follow.
DROP VIEW IF EXISTS [catalog].[object_parameters];
DROP VIEW IF EXISTS [catalog].[executions];
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
DROP FUNCTION IF EXISTS [internal].[canonical_type];
DROP TABLE IF EXISTS [internal].[environment_references];
DROP TABLE IF EXISTS [internal].[environment_variables];
DROP TABLE IF EXISTS [internal].[environments];
GO
-- Babelfish names a column's default itself (DF_<table>_<number>) and drops it with the column; SQL Server
-- keeps the name given, and a column with a default cannot be dropped before it.
IF OBJECT_ID(N'[internal].[DF_object_parameters_value_type]', 'D') IS NOT NULL
    ALTER TABLE [internal].[object_parameters] DROP CONSTRAINT [DF_object_parameters_value_type];
IF OBJECT_ID(N'[internal].[DF_object_parameters_value_set]', 'D') IS NOT NULL
    ALTER TABLE [internal].[object_parameters] DROP CONSTRAINT [DF_object_parameters_value_set];
ALTER TABLE [internal].[object_parameters] DROP COLUMN [value_type];
ALTER TABLE [internal].[object_parameters] DROP COLUMN [value_set];
ALTER TABLE [internal].[object_parameters] DROP COLUMN [server_value];
ALTER TABLE [internal].[object_parameters] DROP COLUMN [sensitive_server_value];
ALTER TABLE [internal].[object_parameters] DROP COLUMN [referenced_variable_name];
ALTER TABLE [internal].[object_versions] DROP COLUMN [restored_by];
ALTER TABLE [internal].[object_versions] DROP COLUMN [last_restored_time];
ALTER TABLE [internal].[task_attempts] DROP COLUMN [statistics_id];
ALTER TABLE [internal].[executions] DROP COLUMN [reference_id];
ALTER TABLE [internal].[executions] DROP COLUMN [reference_type];
ALTER TABLE [internal].[executions] DROP COLUMN [environment_folder_name];
ALTER TABLE [internal].[executions] DROP COLUMN [environment_name];
GO
