-- The questions benchmarks/history.py times on a catalog with a long history (PostgreSQL).
-- Each starts with a line "-- query KEY: what it asks"; they read the public views only, as a DBA would.

-- query a: the newest 50 executions (what `scaleout executions list` shows)
SELECT execution_id, folder_name, project_name, package_name, status, start_time, end_time, worker_agent_id
FROM catalog.executions
ORDER BY execution_id DESC
LIMIT 50;

-- query b: the newest 50 failed executions, each with its first error message
SELECT e.execution_id, e.package_name, e.start_time, e.end_time,
       (SELECT m.message
        FROM catalog.operation_messages AS m
        WHERE m.operation_id = e.execution_id AND m.message_type = 120
        ORDER BY m.operation_message_id
        LIMIT 1) AS first_error
FROM catalog.executions AS e
WHERE e.status = 4
ORDER BY e.execution_id DESC
LIMIT 50;

-- query c: executions started in the last hour
SELECT execution_id, package_name, status, start_time, end_time
FROM catalog.executions
WHERE start_time >= now() - interval '1 hour'
ORDER BY start_time DESC;

-- query d: running executions
SELECT execution_id, package_name, start_time, worker_agent_id
FROM catalog.executions
WHERE status = 2
ORDER BY execution_id DESC;
