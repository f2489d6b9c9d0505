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

-- Statistics per package run, SSISDB's columns: one row per attempt that has ended (a package run is
-- an attempt here, and the package is the one executable). execution_result: 0 success, 1 failure
-- (the package failed, or its worker was lost), 2 completion (given back to the queue unfinished),
-- 3 cancelled.
CREATE VIEW catalog.executable_statistics AS
SELECT a.statistics_id, a.execution_id, NULL::bigint AS executable_id, '\' || e.package_name AS execution_path,
       a.claimed_time AS start_time, a.ended_time AS end_time,
       (EXTRACT(EPOCH FROM (a.ended_time - a.claimed_time)) * 1000)::integer AS execution_duration,
       (CASE a.status WHEN 5 THEN 0 WHEN 6 THEN 3 WHEN 1 THEN 2 ELSE 1 END)::smallint AS execution_result,
       NULL::text AS execution_value,
       a.attempt, a.worker_agent_id               -- extensions
FROM internal.task_attempts AS a
JOIN internal.executions AS e ON e.execution_id = a.execution_id
WHERE a.ended_time IS NOT NULL;

-- The messages as SSISDB's event_messages shows them: the event each message type stands for, and
-- where it came from (10 the catalog's procedures, 20 the worker, 30 the package itself).
CREATE VIEW catalog.event_messages AS
SELECT m.operation_message_id AS event_message_id, m.operation_id, m.message_time, m.message_type,
       m.message_source_type, m.message, NULL::bigint AS extended_info_id, e.package_name,
       CASE m.message_type WHEN 120 THEN 'OnError' WHEN 110 THEN 'OnWarning' WHEN 70 THEN 'OnInformation'
                           WHEN 10 THEN 'OnPreValidate' WHEN 20 THEN 'OnPostValidate' WHEN 30 THEN 'OnPreExecute'
                           WHEN 40 THEN 'OnPostExecute' WHEN 60 THEN 'OnProgress' WHEN 100 THEN 'OnQueryCancel'
                           WHEN 130 THEN 'OnTaskFailed' WHEN 90 THEN 'Diagnostic' END AS event_name,
       CASE m.message_source_type WHEN 10 THEN 'Transact-SQL stored procedure' WHEN 20 THEN 'Scale Out worker'
                                  ELSE e.package_name END AS message_source_name,
       NULL::text AS message_source_id, NULL::text AS subcomponent_name, '\Package' AS package_path,
       '\' || e.package_name AS execution_path, NULL::integer AS threadid, NULL::integer AS message_code,
       m.event_message_guid
FROM internal.operation_messages AS m
JOIN internal.executions AS e ON e.execution_id = m.operation_id;
