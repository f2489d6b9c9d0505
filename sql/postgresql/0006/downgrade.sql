-- scaleout_catalog, PostgreSQL: removes revision 0006. What it redefined is put back from the earlier
-- revisions after this (catalog.executions first, here, so that its columns can go), and
-- downgrade_grants.sql then grants catalog.object_parameters again (dropped for its new columns).
DROP PROCEDURE IF EXISTS catalog.create_environment(text, text, text);
DROP PROCEDURE IF EXISTS catalog.delete_environment(text, text);
DROP PROCEDURE IF EXISTS catalog.rename_environment(text, text, text);
DROP PROCEDURE IF EXISTS catalog.move_environment(text, text, text);
DROP PROCEDURE IF EXISTS catalog.set_environment_property(text, text, text, text);
DROP PROCEDURE IF EXISTS catalog.create_environment_variable(text, text, text, text, boolean, text, text);
DROP PROCEDURE IF EXISTS catalog.set_environment_variable_value(text, text, text, text);
DROP PROCEDURE IF EXISTS catalog.set_environment_variable_property(text, text, text, text, text);
DROP PROCEDURE IF EXISTS catalog.set_environment_variable_protection(text, text, text, boolean);
DROP PROCEDURE IF EXISTS catalog.delete_environment_variable(text, text, text);
DROP PROCEDURE IF EXISTS catalog.create_environment_reference(text, text, text, text, text, bigint);
DROP PROCEDURE IF EXISTS catalog.delete_environment_reference(bigint);
DROP PROCEDURE IF EXISTS catalog.set_environment_reference_type(bigint, text, text);
DROP PROCEDURE IF EXISTS catalog.set_object_parameter_value(smallint, text, text, text, text, text, text);
DROP PROCEDURE IF EXISTS catalog.clear_object_parameter_value(text, text, smallint, text, text);
DROP PROCEDURE IF EXISTS catalog.restore_project(text, text, bigint);
DROP FUNCTION IF EXISTS catalog.get_project(text, text);
DROP PROCEDURE IF EXISTS catalog.delete_project(text, text);
DROP PROCEDURE IF EXISTS catalog.move_project(text, text, text);
DROP PROCEDURE IF EXISTS catalog.delete_folder(text);
DROP PROCEDURE IF EXISTS catalog.rename_folder(text, text);
DROP PROCEDURE IF EXISTS catalog.set_folder_description(text, text);
DROP VIEW IF EXISTS catalog.object_versions;
DROP VIEW IF EXISTS catalog.executable_statistics;
DROP VIEW IF EXISTS catalog.event_messages;
DROP VIEW IF EXISTS catalog.environments;
DROP VIEW IF EXISTS catalog.environment_variables;
DROP VIEW IF EXISTS catalog.environment_references;
DROP VIEW IF EXISTS catalog.object_parameters;
CREATE OR REPLACE VIEW catalog.executions AS
SELECT e.execution_id, e.folder_name, e.project_name, e.package_name,
       NULL::bigint AS reference_id, NULL::char(1) AS reference_type,
       NULL::text AS environment_folder_name, NULL::text AS environment_name,
       e.project_lsn, NULL::bytea AS executed_as_sid, e.executed_as_name,
       e.use32bitruntime, o.operation_type, o.created_time, o.object_type, o.object_id,
       o.status, o.start_time, o.end_time, NULL::bytea AS caller_sid, o.caller_name,
       o.process_id, NULL::bytea AS stopped_by_sid, o.stopped_by_name,
       NULL::uuid AS dump_id, o.server_name, o.machine_name,
       NULL::bigint AS total_physical_memory_kb, NULL::bigint AS available_physical_memory_kb,
       NULL::bigint AS total_page_file_kb, NULL::bigint AS available_page_file_kb,
       NULL::integer AS cpu_count,
       o.worker_agent_id, o.executed_count
FROM internal.executions AS e
JOIN internal.operations AS o ON o.operation_id = e.execution_id;
DROP FUNCTION IF EXISTS internal.starting_parameter_values(bigint, text, bigint);
DROP FUNCTION IF EXISTS internal.carry_parameter_values(bigint, bigint);
DROP FUNCTION IF EXISTS internal.prune_project_versions(bigint);
DROP FUNCTION IF EXISTS internal.object_parameter_of(text, text, smallint, text, text);
DROP FUNCTION IF EXISTS internal.require_object_type(smallint, text);
DROP FUNCTION IF EXISTS internal.require_new_reference(bigint, text, text, text, bigint);
DROP FUNCTION IF EXISTS internal.require_reference_type(text, text);
DROP FUNCTION IF EXISTS internal.referenced_environment_id(bigint);
DROP FUNCTION IF EXISTS internal.project_of(text, text);
DROP FUNCTION IF EXISTS internal.require_typed_value(text, text, text);
DROP FUNCTION IF EXISTS internal.environment_variable_of(internal.environments, text);
DROP FUNCTION IF EXISTS internal.environment_of(text, text);
DROP FUNCTION IF EXISTS internal.folder_id_of(text, integer);
DROP FUNCTION IF EXISTS internal.require_valid_description(text, text);
DROP FUNCTION IF EXISTS internal.is_valid_name(text, integer);
DROP FUNCTION IF EXISTS internal.canonical_type(text);
DROP TABLE IF EXISTS internal.environment_references;
DROP TABLE IF EXISTS internal.environment_variables;
DROP TABLE IF EXISTS internal.environments;
ALTER TABLE internal.object_parameters
    DROP COLUMN value_type, DROP COLUMN value_set, DROP COLUMN server_value, DROP COLUMN sensitive_server_value,
    DROP COLUMN referenced_variable_name;
ALTER TABLE internal.object_versions DROP COLUMN restored_by, DROP COLUMN last_restored_time;
ALTER TABLE internal.task_attempts DROP COLUMN statistics_id;
ALTER TABLE internal.executions
    DROP COLUMN reference_id, DROP COLUMN reference_type, DROP COLUMN environment_folder_name,
    DROP COLUMN environment_name;
