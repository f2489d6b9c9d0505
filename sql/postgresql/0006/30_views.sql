-- scaleout_catalog, PostgreSQL, revision 0006: environments, variables (a sensitive value never
-- shown), references, the values set on deployed parameters, and the environment of an execution.

CREATE VIEW catalog.environments AS
SELECT environment_id, environment_name AS name, folder_id, description, NULL::bytea AS created_by_sid,
       created_by_name, created_time
FROM internal.environments;

CREATE VIEW catalog.environment_variables AS
SELECT variable_id, environment_id, name, description, type, sensitive,
       CASE WHEN sensitive THEN NULL ELSE value END AS value
FROM internal.environment_variables;

CREATE VIEW catalog.environment_references AS
SELECT reference_id, project_id, reference_type, environment_folder_name, environment_name,
       validation_status, last_validation_time
FROM internal.environment_references;

-- SSISDB's columns; design_default_value was the only value before, the others follow it.
CREATE OR REPLACE VIEW catalog.object_parameters AS
SELECT op.parameter_id, p.project_id, op.object_type, op.object_name, op.parameter_name,
       op.data_type, op.required, op.sensitive,
       CASE WHEN op.sensitive THEN NULL ELSE op.default_value END AS design_default_value,
       op.description,
       CASE WHEN op.sensitive OR op.value_type = 'R' THEN NULL ELSE op.server_value END AS default_value,
       op.value_type, op.value_set, op.referenced_variable_name,
       'N'::char(1) AS validation_status, NULL::timestamptz AS last_validation_time
FROM internal.object_parameters AS op
JOIN internal.projects AS p ON p.object_version_lsn = op.project_version_lsn;

CREATE OR REPLACE VIEW catalog.executions AS
SELECT e.execution_id, e.folder_name, e.project_name, e.package_name,
       e.reference_id, e.reference_type::char(1) AS reference_type,
       e.environment_folder_name, e.environment_name,
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

-- The versions kept of each project (SSISDB's columns; object_type 20, the project).
CREATE VIEW catalog.object_versions AS
SELECT v.object_version_lsn, v.project_id AS object_id, 20::smallint AS object_type, p.name AS object_name,
       v.version AS description, v.created_by, v.created_time, v.restored_by, v.last_restored_time
FROM internal.object_versions AS v
JOIN internal.projects AS p ON p.project_id = v.project_id;
