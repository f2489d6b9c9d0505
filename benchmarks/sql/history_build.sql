-- Builds a long history straight into the internal tables (benchmarks/history.py), chunk by chunk.
-- Execution number e (1..%(n)s) becomes operation_id %(base)s + e - 1; its start time grows with e,
-- spread over 90 days up to a minute ago. Statuses: the newest %(running)s are running (2), every
-- 50th failed (4), every 997th canceled (3), every 1999th ended unexpectedly (6), the rest succeeded
-- (7). Ids that are uuids are made from a kind and the number (ordered, so the load stays fast).
-- Each step runs with %(lo)s and %(hi)s, the chunk's first and last number (executions or messages).

-- step executions
WITH g AS (
    SELECT e,
           now() - make_interval(secs => (%(n)s - e) * 7776000.0 / %(n)s + 60) AS st,
           make_interval(secs => 5 + (e * 7919) %% 600) AS dur,
           CASE WHEN e > %(n)s - %(running)s THEN 2 WHEN e %% 50 = 0 THEN 4 WHEN e %% 997 = 0 THEN 3
                WHEN e %% 1999 = 0 THEN 6 ELSE 7 END AS status,
           (%(workers)s::uuid[])[1 + e %% 4] AS worker,
           (lpad(to_hex(1), 8, '0') || lpad(to_hex(e), 24, '0'))::uuid AS job_id,
           (lpad(to_hex(2), 8, '0') || lpad(to_hex(e), 24, '0'))::uuid AS task_id,
           (lpad(to_hex(3), 8, '0') || lpad(to_hex(e), 24, '0'))::uuid AS lease_token
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS e
), ops AS (
    INSERT INTO internal.operations (operation_id, operation_type, created_time, object_type, object_id,
                                     object_name, status, start_time, end_time, caller_name, server_name,
                                     machine_name, worker_agent_id, executed_count)
    OVERRIDING SYSTEM VALUE
    SELECT %(base)s + e - 1, 200, st - interval '1 second', 20, %(project_id)s, %(project)s, status, st,
           CASE WHEN status = 2 THEN NULL ELSE st + dur END, 'etl_scheduler', 'db1', 'worker' || (e %% 4),
           worker, 1
    FROM g
), exe AS (
    INSERT INTO internal.executions (execution_id, folder_name, project_name, package_name, project_id,
                                     project_lsn, use32bitruntime, executed_as_name, job_id)
    SELECT %(base)s + e - 1, %(folder)s, %(project)s, CASE WHEN e %% 3 = 0 THEN 'package1' ELSE 'package2' END,
           %(project_id)s, %(project_lsn)s, false, 'etl_scheduler', job_id
    FROM g
), jobs AS (
    INSERT INTO internal.jobs (job_id, is_cancelled, created_time, job_type, input_data, creator, priority,
                               use_all_worker_agents, last_updated_time)
    SELECT job_id, status = 3, st - interval '1 second', 1, '[{"name":"use32bitruntime","value":"0"}]',
           'etl_scheduler', 0, true, coalesce(st + dur, st)
    FROM g
), hist AS (
    INSERT INTO internal.tasks_history (task_id, job_id, execution_id, task_type, input_data, max_executed_count,
                                        executed_count, status, priority, use_any_worker, worker_agent_id,
                                        is_cancelled, last_pickup_time, created_time, last_updated_time)
    SELECT task_id, job_id, %(base)s + e - 1, 0, '[{"name":"execution_id","value":"' || (%(base)s + e - 1) || '"}]',
           1, 1, CASE status WHEN 7 THEN 5 WHEN 3 THEN 6 ELSE 4 END, 0, true, worker, status = 3, st,
           st - interval '1 second', st + dur
    FROM g WHERE status <> 2
), hot AS (
    INSERT INTO internal.tasks (task_id, job_id, execution_id, task_type, input_data, max_executed_count,
                                executed_count, status, priority, use_any_worker, ready_for_dispatch_time,
                                worker_agent_id, lease_token, expired_time, is_cancelled, last_pickup_time,
                                created_time, last_updated_time)
    SELECT task_id, job_id, %(base)s + e - 1, 0, '[{"name":"execution_id","value":"' || (%(base)s + e - 1) || '"}]',
           1, 1, 2, 0, true, st, worker, lease_token, now() + interval '1 day', false, st,
           st - interval '1 second', st
    FROM g WHERE status = 2
)
INSERT INTO internal.task_attempts (lease_token, task_id, execution_id, attempt, worker_agent_id, claimed_time,
                                    ended_time, status)
SELECT lease_token, task_id, %(base)s + e - 1, 1, worker, st,
       CASE WHEN status = 2 THEN NULL ELSE st + dur END,
       CASE status WHEN 7 THEN 5 WHEN 3 THEN 6 WHEN 2 THEN 2 ELSE 4 END
FROM g;

-- step messages
-- Message number m belongs to execution (m - 1) / per + 1 at position (m - 1) %% per: the worker's start
-- message first, package lines, a failed execution's error second to last, the worker's end message last.
WITH g AS (
    SELECT m, (m - 1) / %(per)s + 1 AS e, (m - 1) %% %(per)s AS pos
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS m
), x AS (
    SELECT m, e, pos,
           now() - make_interval(secs => (%(n)s - e) * 7776000.0 / %(n)s + 60) AS st,
           5 + (e * 7919) %% 600 AS dur_s,
           CASE WHEN e > %(n)s - %(running)s THEN 2 WHEN e %% 50 = 0 THEN 4 WHEN e %% 997 = 0 THEN 3
                WHEN e %% 1999 = 0 THEN 6 ELSE 7 END AS status,
           (%(workers)s::uuid[])[1 + e %% 4] AS worker
    FROM g
), t AS (
    SELECT *, CASE WHEN pos = 0 THEN 30
                   WHEN pos = %(per)s - 1 AND status <> 2 THEN 40
                   WHEN pos = %(per)s - 2 AND status = 4 THEN 120
                   ELSE 70 END AS message_type
    FROM x
)
INSERT INTO internal.operation_messages (operation_message_id, operation_id, message_time, message_type,
                                         message_source_type, message, event_message_guid, worker_agent_id, attempt)
OVERRIDING SYSTEM VALUE
SELECT m, %(base)s + e - 1, st + make_interval(secs => dur_s * pos / %(per)s::float8), message_type,
       CASE WHEN message_type IN (30, 40) THEN 20 ELSE 30 END,
       CASE message_type
           WHEN 30 THEN 'Worker agent ' || worker || ' (worker' || (e %% 4) || ') started attempt 1 of 1 of package '
                        || CASE WHEN e %% 3 = 0 THEN 'package1' ELSE 'package2' END || ' in process ' || (10000 + e %% 50000) || '.'
           WHEN 40 THEN 'Attempt 1 ended: ' || CASE status WHEN 7 THEN 'succeeded' WHEN 3 THEN 'canceled' ELSE 'failed' END || '.'
           WHEN 120 THEN 'Traceback (most recent call last):' || chr(10) || '  File "sample/load.py", line 42, in run' || chr(10)
                         || 'ValueError: row ' || (e * 31 %% 100000) || ' of batch ' || pos || ' has no customer id'
           ELSE 'loaded batch ' || pos || ': ' || (e * 131 + pos) %% 10000 || ' rows'
       END,
       (lpad(to_hex(4), 8, '0') || lpad(to_hex(m), 24, '0'))::uuid, worker, 1
FROM t;
