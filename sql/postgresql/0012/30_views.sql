-- scaleout_catalog, PostgreSQL, revision 0012: the views over executions and their history decide what a
-- login that is not an admin may read in the query itself, not in a function call a row.
-- Revision 0007 called internal.check_permission(4, id, 1) for every row such a login was shown: about
-- 0.1 ms a row here after revision 0011, and each call a query of its own. The rule is the same
-- (SSISDB's, as internal.caller_holds_permission has it for an operation's READ): ssis_admin and
-- ssis_logreader read every row; anyone else reads an operation it created or was granted READ on, unless
-- READ on it is denied to it or a role it is in (DENY beats GRANT, and beats being its creator).
-- Per row that is one probe of internal.operation_permissions' unique index, which holds no row for most
-- operations. The folders, projects and environments views keep their per-row checks: one row an object,
-- where these views have one (or many) an execution.

-- The caller's rows of internal.operation_permissions: granted or denied to it, to PUBLIC (0), or to a role
-- it is a member of. The catalog views read it as their owner.
CREATE VIEW internal.caller_operation_permissions AS
SELECT p.object_id, p.permission_type, p.is_deny
FROM internal.operation_permissions AS p
WHERE p.principal_id = 0
   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
              WHERE r.oid = p.principal_id::oid AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'));

-- In each view below, READ on an operation for a caller that does not read the whole catalog:
--   coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
--             WHERE g.object_id = <operation> AND g.permission_type = 1), <operation's caller_name> = session_user)
-- false when a row denies it, true when rows grant it, and with no row, whether the caller created it.

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
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = o.operation_id AND g.permission_type = 1),
                   o.caller_name = session_user));

CREATE OR REPLACE VIEW catalog.operations AS
SELECT o.operation_id, o.operation_type, o.created_time, o.object_type, o.object_id, o.object_name,
       o.status, o.start_time, o.end_time, NULL::bytea AS caller_sid, o.caller_name, o.process_id,
       NULL::bytea AS stopped_by_sid, o.stopped_by_name, o.server_name, o.machine_name
FROM internal.operations AS o
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = o.operation_id AND g.permission_type = 1),
                   o.caller_name = session_user));

CREATE OR REPLACE VIEW catalog.operation_messages AS
SELECT m.operation_message_id, m.operation_id, m.message_time, m.message_type, m.message_source_type,
       m.message, NULL::bigint AS extended_info_id,
       m.event_message_guid, m.worker_agent_id, m.attempt  -- extensions
FROM internal.operation_messages AS m
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = m.operation_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = m.operation_id) = session_user));

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
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = m.operation_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = m.operation_id) = session_user));

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
  AND ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = a.execution_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = a.execution_id) = session_user));

CREATE OR REPLACE VIEW catalog.execution_parameter_values AS
SELECT v.execution_parameter_id, v.execution_id, v.object_type, v.parameter_data_type, v.parameter_name,
       CASE WHEN v.sensitive THEN NULL ELSE v.parameter_value END AS parameter_value,
       v.sensitive, v.required, v.value_set, v.runtime_override
FROM internal.all_execution_parameter_values AS v
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = v.execution_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = v.execution_id) = session_user));

CREATE OR REPLACE VIEW catalog.tasks AS
SELECT t.task_id AS TaskId, t.job_id AS JobId, t.execution_id, t.task_type AS TaskType, t.status AS Status,
       t.executed_count AS ExecutedCount, t.max_executed_count AS MaxExecutedCount,
       t.worker_agent_id AS WorkerAgentId, t.ready_for_dispatch_time AS ReadyForDispatchTime,
       t.expired_time AS ExpiredTime, t.last_pickup_time AS LastPickupTime,
       t.is_cancelled::integer AS IsCancelled, t.priority AS Priority,
       t.created_time AS CreatedTime, t.last_updated_time AS LastUpdatedTime
FROM internal.tasks AS t
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = t.execution_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = t.execution_id) = session_user))
UNION ALL
SELECT h.task_id, h.job_id, h.execution_id, h.task_type, h.status, h.executed_count, h.max_executed_count,
       h.worker_agent_id, NULL, NULL, h.last_pickup_time, h.is_cancelled::integer, h.priority,
       h.created_time, h.last_updated_time
FROM internal.tasks_history AS h
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = h.execution_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = h.execution_id) = session_user));

CREATE OR REPLACE VIEW catalog.task_attempts AS
SELECT a.task_id, a.execution_id, a.attempt, a.worker_agent_id, a.claimed_time, a.ended_time, a.status
FROM internal.task_attempts AS a
WHERE ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = a.execution_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = a.execution_id) = session_user));

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
  AND ((SELECT internal.caller_reads_catalog())
       OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                    WHERE g.object_id = t.execution_id AND g.permission_type = 1),
                   (SELECT c.caller_name FROM internal.operations AS c WHERE c.operation_id = t.execution_id) = session_user));
