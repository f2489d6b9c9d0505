-- scaleout_catalog, PostgreSQL, revision 0005: what the web Scale Out Manager reads.

-- The catalog roles the caller holds, of those that read the catalog (a worker's login reads no view).
-- The manager offers only the actions they allow; the procedures still decide every call.
-- A superuser or the catalog's owner counts as ssis_admin, as in
-- internal.caller_is_admin (inlined: a view's callers need EXECUTE on the functions it calls).
CREATE VIEW catalog.caller_roles AS
SELECT r.role_name
FROM (VALUES ('ssis_admin'), ('ssis_cluster_executor'), ('ssis_logreader')) AS r (role_name)
WHERE pg_catalog.pg_has_role(session_user, r.role_name, 'MEMBER')
   OR (r.role_name = 'ssis_admin' AND (
          EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS a WHERE a.rolname = session_user AND a.rolsuper)
          OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace AS n
                     WHERE n.nspname = 'internal' AND pg_catalog.pg_has_role(session_user, n.nspowner, 'MEMBER'))));

-- The Dashboard's queue and executions, in one row: what is waiting and for how long, what runs, how
-- the last day ended, and how long the last hour's executions waited for a worker (start_execution to
-- the first claim). Each part reads an index: the hot queue, active statuses, end and start times.
CREATE VIEW catalog.queue_summary AS
SELECT q.queued_tasks, q.oldest_queued_seconds, q.running_tasks,
       a.pending_executions, a.running_executions, a.stopping_executions,
       d.succeeded_last_24_hours, d.failed_last_24_hours, d.canceled_last_24_hours, d.ended_unexpectedly_last_24_hours,
       h.started_last_hour, h.pickup_avg_ms_last_hour, h.pickup_max_ms_last_hour
FROM (SELECT count(*) FILTER (WHERE t.status = 1)::integer AS queued_tasks,
             coalesce(extract(epoch FROM now() - min(t.ready_for_dispatch_time) FILTER (WHERE t.status = 1)), 0)::float8
                 AS oldest_queued_seconds,
             count(*) FILTER (WHERE t.status = 2)::integer AS running_tasks
      FROM internal.tasks AS t) AS q
CROSS JOIN (
      SELECT count(*) FILTER (WHERE o.status = 5)::integer AS pending_executions,
             count(*) FILTER (WHERE o.status = 2)::integer AS running_executions,
             count(*) FILTER (WHERE o.status = 8)::integer AS stopping_executions
      FROM internal.operations AS o
      WHERE o.status IN (2, 5, 8) AND o.operation_type = 200) AS a
CROSS JOIN (
      SELECT count(*) FILTER (WHERE o.status = 7)::integer AS succeeded_last_24_hours,
             count(*) FILTER (WHERE o.status = 4)::integer AS failed_last_24_hours,
             count(*) FILTER (WHERE o.status = 3)::integer AS canceled_last_24_hours,
             count(*) FILTER (WHERE o.status = 6)::integer AS ended_unexpectedly_last_24_hours
      FROM internal.operations AS o
      WHERE o.end_time >= now() - interval '24 hours' AND o.operation_type = 200) AS d
CROSS JOIN (
      SELECT count(*)::integer AS started_last_hour,
             avg(extract(epoch FROM p.claimed_time - o.start_time) * 1000)::float8 AS pickup_avg_ms_last_hour,
             max(extract(epoch FROM p.claimed_time - o.start_time) * 1000)::float8 AS pickup_max_ms_last_hour
      FROM internal.operations AS o
      LEFT JOIN internal.task_attempts AS p ON p.execution_id = o.operation_id AND p.attempt = 1
      WHERE o.start_time >= now() - interval '1 hour' AND o.operation_type = 200) AS h;

-- The Dashboard's workers, in one row: enabled and online, enabled but offline, disabled; the task
-- slots of the online ones and how many are in use.
CREATE VIEW catalog.worker_summary AS
SELECT count(*) FILTER (WHERE w.is_enabled AND w.online)::integer AS workers_online,
       count(*) FILTER (WHERE w.is_enabled AND NOT w.online)::integer AS workers_offline,
       count(*) FILTER (WHERE NOT w.is_enabled)::integer AS workers_disabled,
       coalesce(sum(w.max_tasks) FILTER (WHERE w.is_enabled AND w.online), 0)::integer AS task_slots_online,
       (SELECT count(*) FROM internal.tasks AS t WHERE t.status = 2)::integer AS running_tasks
FROM (SELECT wa.is_enabled, wa.max_tasks,
             wa.last_online_time >= now() - make_interval(secs => (
                 SELECT p.property_value::integer FROM internal.catalog_properties AS p
                 WHERE p.property_name = 'WORKER_ONLINE_WINDOW_SECONDS')) AS online
      FROM internal.worker_agents AS wa) AS w;

-- Executions by status over the whole history (for /metrics; an index-only count).
CREATE VIEW catalog.execution_status_counts AS
SELECT o.status, count(*)::bigint AS executions
FROM internal.operations AS o
WHERE o.operation_type = 200
GROUP BY o.status;

-- "Why is this not running?": for each task waiting in the queue, what stands between it and a worker:
-- no eligible worker (any worker, or those added with add_execution_worker) is enabled (some of them
-- disabled by the catalog for a certificate they had not announced: certificate_changed); none of the
-- enabled ones is online; all the online ones are full; or it waits behind older work (tasks_ahead).
CREATE VIEW catalog.execution_waits AS
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
WHERE t.status = 1;

-- The Dashboard's charts: per minute of the last 24 hours (minutes_ago 0 is the current minute), the
-- executions that ended (and how many of them failed), those that started, and their average pickup
-- time (start_execution to the first claim). Minutes with nothing in them have no row.
CREATE VIEW catalog.execution_rate AS
SELECT x.minutes_ago, sum(x.ended)::integer AS ended, sum(x.failed)::integer AS failed,
       sum(x.started)::integer AS started, (sum(x.pickup_ms) / nullif(sum(x.picked), 0))::float8 AS pickup_avg_ms
FROM (SELECT floor(extract(epoch FROM now() - o.end_time) / 60)::integer AS minutes_ago, 1 AS ended,
             CASE WHEN o.status IN (4, 6) THEN 1 ELSE 0 END AS failed, 0 AS started, 0::float8 AS pickup_ms, 0 AS picked
      FROM internal.operations AS o
      WHERE o.end_time >= now() - interval '24 hours' AND o.operation_type = 200
      UNION ALL
      SELECT floor(extract(epoch FROM now() - o.start_time) / 60)::integer, 0, 0, 1,
             coalesce(extract(epoch FROM a.claimed_time - o.start_time) * 1000, 0)::float8,
             CASE WHEN a.claimed_time IS NULL THEN 0 ELSE 1 END
      FROM internal.operations AS o
      LEFT JOIN internal.task_attempts AS a ON a.execution_id = o.operation_id AND a.attempt = 1
      WHERE o.start_time >= now() - interval '24 hours' AND o.operation_type = 200) AS x
GROUP BY x.minutes_ago;
