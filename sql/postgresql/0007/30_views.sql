-- scaleout_catalog, PostgreSQL, revision 0007: the views show a caller only what it may read, as
-- SSISDB's do. ssis_admin (and ssis_logreader, which reads the whole catalog's history) sees every row;
-- others see the folders, projects and environments they have READ on (explicitly, or through the
-- folder's READ_OBJECTS), and the executions they created or were granted READ on. A folder is also
-- visible to whoever may read something in it (SSISDB shows it only with READ on the folder itself).
-- The admin test is one InitPlan per query, so an admin's reads keep their plans.

CREATE OR REPLACE VIEW catalog.folders AS
SELECT folder_id AS id, name, description, created_by_name, created_time
FROM internal.folders
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.folder_is_readable(folder_id));

CREATE OR REPLACE VIEW catalog.projects AS
SELECT p.project_id, p.folder_id, p.name, p.description,
       1 AS project_format_version,
       p.deployed_by_name, p.last_deployed_time, p.created_time,
       p.object_version_lsn,
       v.version AS version          -- extension: the manifest's version string
FROM internal.projects AS p
LEFT JOIN internal.object_versions AS v ON v.object_version_lsn = p.object_version_lsn
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(2, p.project_id, 1));

CREATE OR REPLACE VIEW catalog.packages AS
SELECT k.package_id, k.name, k.description, k.entry_point::text AS entry_point_name,
       p.project_id, true AS entry_point
FROM internal.packages AS k
JOIN internal.projects AS p ON p.object_version_lsn = k.project_version_lsn
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(2, p.project_id, 1));

CREATE OR REPLACE VIEW catalog.object_parameters AS
SELECT op.parameter_id, p.project_id, op.object_type, op.object_name, op.parameter_name,
       op.data_type, op.required, op.sensitive,
       CASE WHEN op.sensitive THEN NULL ELSE op.default_value END AS design_default_value,
       op.description,
       CASE WHEN op.sensitive OR op.value_type = 'R' THEN NULL ELSE op.server_value END AS default_value,
       op.value_type, op.value_set, op.referenced_variable_name,
       'N'::char(1) AS validation_status, NULL::timestamptz AS last_validation_time
FROM internal.object_parameters AS op
JOIN internal.projects AS p ON p.object_version_lsn = op.project_version_lsn
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(2, p.project_id, 1));

CREATE OR REPLACE VIEW catalog.object_versions AS
SELECT v.object_version_lsn, v.project_id AS object_id, 20::smallint AS object_type, p.name AS object_name,
       v.version AS description, v.created_by, v.created_time, v.restored_by, v.last_restored_time
FROM internal.object_versions AS v
JOIN internal.projects AS p ON p.project_id = v.project_id
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(2, v.project_id, 1));

CREATE OR REPLACE VIEW catalog.environment_references AS
SELECT reference_id, project_id, reference_type, environment_folder_name, environment_name,
       validation_status, last_validation_time
FROM internal.environment_references
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(2, project_id, 1));

CREATE OR REPLACE VIEW catalog.environments AS
SELECT environment_id, environment_name AS name, folder_id, description, NULL::bytea AS created_by_sid,
       created_by_name, created_time
FROM internal.environments
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(3, environment_id, 1));

CREATE OR REPLACE VIEW catalog.environment_variables AS
SELECT variable_id, environment_id, name, description, type, sensitive,
       CASE WHEN sensitive THEN NULL ELSE value END AS value
FROM internal.environment_variables
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(3, environment_id, 1));

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
JOIN internal.operations AS o ON o.operation_id = e.execution_id
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, o.operation_id, 1));

CREATE OR REPLACE VIEW catalog.operations AS
SELECT operation_id, operation_type, created_time, object_type, object_id, object_name,
       status, start_time, end_time, NULL::bytea AS caller_sid, caller_name, process_id,
       NULL::bytea AS stopped_by_sid, stopped_by_name, server_name, machine_name
FROM internal.operations
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, operation_id, 1));

CREATE OR REPLACE VIEW catalog.operation_messages AS
SELECT operation_message_id, operation_id, message_time, message_type, message_source_type,
       message, NULL::bigint AS extended_info_id,
       event_message_guid, worker_agent_id, attempt  -- extensions
FROM internal.operation_messages
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, operation_id, 1));

CREATE OR REPLACE VIEW catalog.event_messages AS
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
JOIN internal.executions AS e ON e.execution_id = m.operation_id
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, m.operation_id, 1));

CREATE OR REPLACE VIEW catalog.executable_statistics AS
SELECT a.statistics_id, a.execution_id, NULL::bigint AS executable_id, '\' || e.package_name AS execution_path,
       a.claimed_time AS start_time, a.ended_time AS end_time,
       (EXTRACT(EPOCH FROM (a.ended_time - a.claimed_time)) * 1000)::integer AS execution_duration,
       (CASE a.status WHEN 5 THEN 0 WHEN 6 THEN 3 WHEN 1 THEN 2 ELSE 1 END)::smallint AS execution_result,
       NULL::text AS execution_value,
       a.attempt, a.worker_agent_id               -- extensions
FROM internal.task_attempts AS a
JOIN internal.executions AS e ON e.execution_id = a.execution_id
WHERE a.ended_time IS NOT NULL
  AND ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, a.execution_id, 1));

CREATE OR REPLACE VIEW catalog.execution_parameter_values AS
SELECT execution_parameter_id, execution_id, object_type, parameter_data_type, parameter_name,
       CASE WHEN sensitive THEN NULL ELSE parameter_value END AS parameter_value,
       sensitive, required, value_set, runtime_override
FROM internal.execution_parameter_values
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, execution_id, 1));

CREATE OR REPLACE VIEW catalog.tasks AS
SELECT task_id AS TaskId, job_id AS JobId, execution_id, task_type AS TaskType, status AS Status,
       executed_count AS ExecutedCount, max_executed_count AS MaxExecutedCount,
       worker_agent_id AS WorkerAgentId, ready_for_dispatch_time AS ReadyForDispatchTime,
       expired_time AS ExpiredTime, last_pickup_time AS LastPickupTime,
       is_cancelled::integer AS IsCancelled, priority AS Priority,
       created_time AS CreatedTime, last_updated_time AS LastUpdatedTime
FROM internal.tasks
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, execution_id, 1))
UNION ALL
SELECT task_id, job_id, execution_id, task_type, status, executed_count, max_executed_count,
       worker_agent_id, NULL, NULL, last_pickup_time, is_cancelled::integer, priority,
       created_time, last_updated_time
FROM internal.tasks_history
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, execution_id, 1));

CREATE OR REPLACE VIEW catalog.task_attempts AS
SELECT task_id, execution_id, attempt, worker_agent_id, claimed_time, ended_time, status
FROM internal.task_attempts
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, execution_id, 1));

CREATE OR REPLACE VIEW catalog.execution_waits AS
SELECT t.execution_id, e.eligible_workers, e.enabled_workers, e.online_workers, e.free_slots,
       e.certificate_disabled_workers,
       (SELECT count(*) FROM internal.tasks AS a
        WHERE a.status = 1 AND (a.priority > t.priority OR (a.priority = t.priority
              AND (a.ready_for_dispatch_time, a.task_id) < (t.ready_for_dispatch_time, t.task_id))))::integer AS tasks_ahead,
       CASE WHEN e.enabled_workers = 0 AND e.certificate_disabled_workers > 0 THEN 'certificate_changed'
            WHEN e.enabled_workers = 0 THEN 'no_enabled_worker'
            WHEN e.online_workers = 0 THEN 'no_online_worker'
            WHEN e.free_slots = 0 THEN 'workers_full'
            ELSE 'queued' END AS reason
FROM internal.tasks AS t
CROSS JOIN LATERAL (
    SELECT count(*)::integer AS eligible_workers,
           count(*) FILTER (WHERE w.is_enabled)::integer AS enabled_workers,
           count(*) FILTER (WHERE NOT w.is_enabled AND w.disabled_reason = 'certificate')::integer
               AS certificate_disabled_workers,
           count(*) FILTER (WHERE w.is_enabled AND w.online)::integer AS online_workers,
           coalesce(sum(greatest(coalesce(w.max_tasks, 1) - w.running, 0)) FILTER (WHERE w.is_enabled AND w.online), 0)::integer
               AS free_slots
    FROM (SELECT wa.is_enabled, wa.max_tasks, wa.disabled_reason,
                 wa.last_online_time >= now() - make_interval(secs => (
                     SELECT p.property_value::integer FROM internal.catalog_properties AS p
                     WHERE p.property_name = 'WORKER_ONLINE_WINDOW_SECONDS')) AS online,
                 (SELECT count(*) FROM internal.tasks AS r
                  WHERE r.worker_agent_id = wa.worker_agent_id AND r.status = 2) AS running
          FROM internal.worker_agents AS wa
          WHERE t.use_any_worker
             OR EXISTS (SELECT 1 FROM internal.job_worker_agents AS j
                        WHERE j.job_id = t.job_id AND j.worker_agent_id = wa.worker_agent_id)) AS w) AS e
WHERE t.status = 1
  AND ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, t.execution_id, 1));
