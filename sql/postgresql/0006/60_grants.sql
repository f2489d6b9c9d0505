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
    catalog.clear_object_parameter_value(text, text, smallint, text, text)
TO ssis_admin;
GRANT SELECT ON catalog.environments, catalog.environment_variables, catalog.environment_references
    TO ssis_admin, ssis_cluster_executor;
