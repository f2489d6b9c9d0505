-- scaleout_catalog, PostgreSQL, revision 0006: environments are changed by ssis_admin; those who run
-- executions read them, to pick a reference. Nothing new for ssis_logreader: variables hold settings.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
REVOKE EXECUTE ON ALL PROCEDURES IN SCHEMA catalog FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE
    catalog.create_environment(text, text, text),
    catalog.delete_environment(text, text),
    catalog.rename_environment(text, text, text),
    catalog.move_environment(text, text, text),
    catalog.set_environment_property(text, text, text, text),
    catalog.create_environment_variable(text, text, text, text, boolean, text, text),
    catalog.set_environment_variable_value(text, text, text, text),
    catalog.set_environment_variable_property(text, text, text, text, text),
    catalog.set_environment_variable_protection(text, text, text, boolean),
    catalog.delete_environment_variable(text, text, text),
    catalog.create_environment_reference(text, text, text, text, text, bigint),
    catalog.delete_environment_reference(bigint),
    catalog.set_environment_reference_type(bigint, text, text),
    catalog.set_object_parameter_value(smallint, text, text, text, text, text, text),
    catalog.clear_object_parameter_value(text, text, smallint, text, text),
    catalog.restore_project(text, text, bigint),
    catalog.delete_project(text, text),
    catalog.move_project(text, text, text),
    catalog.delete_folder(text),
    catalog.rename_folder(text, text),
    catalog.set_folder_description(text, text)
TO ssis_admin;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA catalog FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.get_project(text, text) TO ssis_admin, ssis_cluster_executor;
GRANT SELECT ON catalog.object_versions TO ssis_admin, ssis_cluster_executor, ssis_logreader;
GRANT SELECT ON catalog.environments, catalog.environment_variables, catalog.environment_references
    TO ssis_admin, ssis_cluster_executor;
GRANT SELECT ON catalog.executable_statistics, catalog.event_messages TO ssis_admin, ssis_cluster_executor, ssis_logreader;
