-- scaleout_catalog, SQL Server, revision 0006: environments are changed by ssis_admin; those who run
-- executions read them, to pick a reference. On Babelfish (no ownership chaining, see 0001) the roles
-- also get the new helpers and tables, as there.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT EXECUTE ON [catalog].[create_environment] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[delete_environment] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[rename_environment] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[move_environment] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[set_environment_property] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[create_environment_variable] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[set_environment_variable_value] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[set_environment_variable_property] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[set_environment_variable_protection] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[delete_environment_variable] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[create_environment_reference] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[delete_environment_reference] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[set_environment_reference_type] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[set_object_parameter_value] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[clear_object_parameter_value] TO [ssis_admin];
-- The two views created again (30_views.sql), granted as 0001 granted them.
GRANT SELECT ON [catalog].[object_parameters] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[executions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT EXECUTE ON [catalog].[restore_project] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[delete_project] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[move_project] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[delete_folder] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[rename_folder] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[set_folder_description] TO [ssis_admin];
GRANT EXECUTE ON [catalog].[get_project] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[object_versions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[executable_statistics] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[event_messages] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[environments] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environment_variables] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environment_references] TO [ssis_admin], [ssis_cluster_executor];
GO
IF SERVERPROPERTY('Babelfish') IS NOT NULL
BEGIN
    DECLARE @sql nvarchar(max);
    SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'GRANT EXECUTE ON [internal].', QUOTENAME(o.[name]),
                                                           N' TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];')), N' ')
    FROM sys.objects AS o
    WHERE o.[schema_id] = SCHEMA_ID(N'internal') AND o.[type] IN ('P', 'FN', 'IF')  -- IF: Babelfish's table functions take EXECUTE
      AND o.[name] IN (N'is_valid_name', N'require_valid_description', N'folder_id_of', N'environment_of',
                       N'environment_variable_of', N'require_typed_value', N'project_of', N'referenced_environment_id',
                       N'require_reference_type', N'require_new_reference', N'require_object_type',
                       N'object_parameter_of', N'encrypt_execution_values', N'carry_parameter_values',
                       N'prune_project_versions', N'starting_parameter_values', N'canonical_type');
    EXEC sys.sp_executesql @sql;
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[environments] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[environment_variables] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[environment_references] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT ON [internal].[environments] TO [ssis_logreader];
    GRANT SELECT ON [internal].[environment_references] TO [ssis_logreader];
END;
GO
