-- scaleout_catalog, PostgreSQL: the public views (schema catalog).
-- Column names are SSIS's. PostgreSQL folds unquoted names to lower case, so
-- `SELECT WorkerAgentId, MachineName FROM catalog.worker_agents` works as written.

CREATE VIEW catalog.worker_agents AS
SELECT w.worker_agent_id        AS WorkerAgentId,
       w.is_enabled::integer    AS IsEnabled,
       w.display_name           AS DisplayName,
       w.description            AS Description,
       w.machine_name           AS MachineName,
       w.tags                   AS Tags,
       w.user_account           AS UserAccount,
       w.last_online_time       AS LastOnlineTime,
       -- extensions beyond SSIS
       (w.last_online_time >= now() - make_interval(secs => (
            SELECT p.property_value::integer FROM internal.catalog_properties AS p
            WHERE p.property_name = 'WORKER_ONLINE_WINDOW_SECONDS')))::integer AS IsOnline,
       w.certificate_thumbprint AS CertificateThumbprint,
       w.max_tasks              AS MaxTasks,
       (SELECT count(*) FROM internal.tasks t WHERE t.worker_agent_id = w.worker_agent_id AND t.status = 2)::integer AS RunningTasks,
       w.machine_name           AS ComputerName   -- the name SSIS's walkthrough selects; the same as MachineName
FROM internal.worker_agents AS w;

CREATE VIEW catalog.master_properties AS
SELECT property_name, property_value
FROM internal.master_properties;

CREATE VIEW catalog.catalog_properties AS
SELECT property_name, property_value
FROM internal.catalog_properties;

CREATE VIEW catalog.folders AS
SELECT folder_id AS id, name, description, created_by_name, created_time
FROM internal.folders;

CREATE VIEW catalog.projects AS
SELECT p.project_id, p.folder_id, p.name, p.description,
       1 AS project_format_version,
       p.deployed_by_name, p.last_deployed_time, p.created_time,
       p.object_version_lsn,
       v.version AS version          -- extension: the manifest's version string
FROM internal.projects AS p
LEFT JOIN internal.object_versions AS v ON v.object_version_lsn = p.object_version_lsn;

CREATE VIEW catalog.packages AS
SELECT k.package_id, k.name, k.description, k.entry_point::text AS entry_point_name,
       p.project_id, true AS entry_point
FROM internal.packages AS k
JOIN internal.projects AS p ON p.object_version_lsn = k.project_version_lsn;

-- Extension: declared parameters of the current project versions.
CREATE VIEW catalog.object_parameters AS
SELECT op.parameter_id, p.project_id, op.object_type, op.object_name, op.parameter_name,
       op.data_type, op.required, op.sensitive,
       CASE WHEN op.sensitive THEN NULL ELSE op.default_value END AS design_default_value
FROM internal.object_parameters AS op
JOIN internal.projects AS p ON p.object_version_lsn = op.project_version_lsn;

CREATE VIEW catalog.operations AS
SELECT operation_id, operation_type, created_time, object_type, object_id, object_name,
       status, start_time, end_time, NULL::bytea AS caller_sid, caller_name, process_id,
       NULL::bytea AS stopped_by_sid, stopped_by_name, server_name, machine_name
FROM internal.operations;

CREATE VIEW catalog.executions AS
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

-- Sensitive values are never shown.
CREATE VIEW catalog.execution_parameter_values AS
SELECT execution_parameter_id, execution_id, object_type, parameter_data_type, parameter_name,
       CASE WHEN sensitive THEN NULL ELSE parameter_value END AS parameter_value,
       sensitive, required, value_set, runtime_override
FROM internal.execution_parameter_values;

CREATE VIEW catalog.operation_messages AS
SELECT operation_message_id, operation_id, message_time, message_type, message_source_type,
       message, NULL::bigint AS extended_info_id,
       event_message_guid, worker_agent_id, attempt  -- extensions
FROM internal.operation_messages;

-- SSIS hides tasks in internal tables; here they are a view: the hot queue and its history.
CREATE VIEW catalog.tasks AS
SELECT task_id AS TaskId, job_id AS JobId, execution_id, task_type AS TaskType, status AS Status,
       executed_count AS ExecutedCount, max_executed_count AS MaxExecutedCount,
       worker_agent_id AS WorkerAgentId, ready_for_dispatch_time AS ReadyForDispatchTime,
       expired_time AS ExpiredTime, last_pickup_time AS LastPickupTime,
       is_cancelled::integer AS IsCancelled, priority AS Priority,
       created_time AS CreatedTime, last_updated_time AS LastUpdatedTime
FROM internal.tasks
UNION ALL
SELECT task_id, job_id, execution_id, task_type, status, executed_count, max_executed_count,
       worker_agent_id, NULL, NULL, last_pickup_time, is_cancelled::integer, priority,
       created_time, last_updated_time
FROM internal.tasks_history;

-- Extension: one row per attempt, to see what ran where.
CREATE VIEW catalog.task_attempts AS
SELECT task_id, execution_id, attempt, worker_agent_id, claimed_time, ended_time, status
FROM internal.task_attempts;
