-- scaleout_catalog, SQL Server, revision 0005: what the web Scale Out Manager reads.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The catalog roles the caller holds, of those that read the catalog (a worker's login reads no view).
-- The manager offers only the actions they allow; the procedures still decide every call.
-- sysadmin and db_owner count as ssis_admin, as in internal.caller_is_admin
-- (inlined: on Babelfish a view's callers need EXECUTE on the functions it calls).
CREATE VIEW [catalog].[caller_roles]
AS
SELECT r.[role_name]
FROM (VALUES (CONVERT(nvarchar(128), N'ssis_admin')), (N'ssis_cluster_executor'), (N'ssis_logreader')) AS r ([role_name])
WHERE IS_MEMBER(r.[role_name]) = 1
   OR (r.[role_name] = N'ssis_admin' AND (IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1));
GO
-- The Dashboard's queue and executions, in one row: what is waiting and for how long, what runs, how
-- the last day ended, and how long the last hour's executions waited for a worker (start_execution to
-- the first claim). Each part reads an index: the hot queue, active statuses, end and start times.
CREATE VIEW [catalog].[queue_summary]
AS
SELECT q.[queued_tasks], q.[oldest_queued_seconds], q.[running_tasks],
       a.[pending_executions], a.[running_executions], a.[stopping_executions],
       d.[succeeded_last_24_hours], d.[failed_last_24_hours], d.[canceled_last_24_hours],
       d.[ended_unexpectedly_last_24_hours],
       h.[started_last_hour], h.[pickup_avg_ms_last_hour], h.[pickup_max_ms_last_hour]
FROM (SELECT CONVERT(int, COALESCE(SUM(CASE WHEN t.[status] = 1 THEN 1 ELSE 0 END), 0)) AS [queued_tasks],
             CONVERT(float, COALESCE(DATEDIFF_BIG(millisecond,
                 MIN(CASE WHEN t.[status] = 1 THEN t.[ready_for_dispatch_time] END), SYSDATETIMEOFFSET()), 0)) / 1000.0
                 AS [oldest_queued_seconds],
             CONVERT(int, COALESCE(SUM(CASE WHEN t.[status] = 2 THEN 1 ELSE 0 END), 0)) AS [running_tasks]
      FROM [internal].[tasks] AS t) AS q
CROSS JOIN (
      SELECT CONVERT(int, COALESCE(SUM(CASE WHEN o.[status] = 5 THEN 1 ELSE 0 END), 0)) AS [pending_executions],
             CONVERT(int, COALESCE(SUM(CASE WHEN o.[status] = 2 THEN 1 ELSE 0 END), 0)) AS [running_executions],
             CONVERT(int, COALESCE(SUM(CASE WHEN o.[status] = 8 THEN 1 ELSE 0 END), 0)) AS [stopping_executions]
      FROM [internal].[operations] AS o
      WHERE o.[status] IN (2, 5, 8) AND o.[operation_type] = 200) AS a
CROSS JOIN (
      SELECT CONVERT(int, COALESCE(SUM(CASE WHEN o.[status] = 7 THEN 1 ELSE 0 END), 0)) AS [succeeded_last_24_hours],
             CONVERT(int, COALESCE(SUM(CASE WHEN o.[status] = 4 THEN 1 ELSE 0 END), 0)) AS [failed_last_24_hours],
             CONVERT(int, COALESCE(SUM(CASE WHEN o.[status] = 3 THEN 1 ELSE 0 END), 0)) AS [canceled_last_24_hours],
             CONVERT(int, COALESCE(SUM(CASE WHEN o.[status] = 6 THEN 1 ELSE 0 END), 0)) AS [ended_unexpectedly_last_24_hours]
      FROM [internal].[operations] AS o
      WHERE o.[end_time] >= DATEADD(hour, -24, SYSDATETIMEOFFSET()) AND o.[operation_type] = 200) AS d
CROSS JOIN (
      SELECT CONVERT(int, COUNT(*)) AS [started_last_hour],
             AVG(CONVERT(float, DATEDIFF_BIG(microsecond, o.[start_time], p.[claimed_time])) / 1000.0) AS [pickup_avg_ms_last_hour],
             MAX(CONVERT(float, DATEDIFF_BIG(microsecond, o.[start_time], p.[claimed_time])) / 1000.0) AS [pickup_max_ms_last_hour]
      FROM [internal].[operations] AS o
      LEFT JOIN [internal].[task_attempts] AS p ON p.[execution_id] = o.[operation_id] AND p.[attempt] = 1
      WHERE o.[start_time] >= DATEADD(hour, -1, SYSDATETIMEOFFSET()) AND o.[operation_type] = 200) AS h;
GO
-- The Dashboard's workers, in one row: enabled and online, enabled but offline, disabled; the task
-- slots of the online ones and how many are in use.
CREATE VIEW [catalog].[worker_summary]
AS
SELECT CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 AND w.[online] = 1 THEN 1 ELSE 0 END), 0)) AS [workers_online],
       CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 AND w.[online] = 0 THEN 1 ELSE 0 END), 0)) AS [workers_offline],
       CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 0 THEN 1 ELSE 0 END), 0)) AS [workers_disabled],
       CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 AND w.[online] = 1 THEN w.[max_tasks] ELSE 0 END), 0))
           AS [task_slots_online],
       CONVERT(int, (SELECT COUNT(*) FROM [internal].[tasks] AS t WHERE t.[status] = 2)) AS [running_tasks]
FROM (SELECT wa.[is_enabled], wa.[max_tasks],
             CASE WHEN wa.[last_online_time] >= DATEADD(second,
                      -(SELECT CONVERT(int, p.[property_value]) FROM [internal].[catalog_properties] AS p
                        WHERE p.[property_name] = N'WORKER_ONLINE_WINDOW_SECONDS'), SYSDATETIMEOFFSET())
                  THEN 1 ELSE 0 END AS [online]
      FROM [internal].[worker_agents] AS wa) AS w;
GO
-- Executions by status over the whole history (for /metrics; an index-only count).
CREATE VIEW [catalog].[execution_status_counts]
AS
SELECT o.[status], CONVERT(bigint, COUNT(*)) AS [executions]
FROM [internal].[operations] AS o
WHERE o.[operation_type] = 200
GROUP BY o.[status];
GO
-- "Why is this not running?": for each task waiting in the queue, what stands between it and a worker:
-- no eligible worker (any worker, or those added with add_execution_worker) is enabled (some of them
-- disabled by the catalog for a certificate they had not announced: certificate_changed); none of the
-- enabled ones is online; all the online ones are full; or it waits behind older work (tasks_ahead).
CREATE VIEW [catalog].[execution_waits]
AS
SELECT t.[execution_id], e.[eligible_workers], e.[enabled_workers], e.[online_workers], e.[free_slots],
       e.[certificate_disabled_workers],
       CONVERT(int, (SELECT COUNT(*) FROM [internal].[tasks] AS a
        WHERE a.[status] = 1 AND (a.[priority] > t.[priority] OR (a.[priority] = t.[priority]
              AND (a.[ready_for_dispatch_time] < t.[ready_for_dispatch_time]
                   OR (a.[ready_for_dispatch_time] = t.[ready_for_dispatch_time] AND a.[task_id] < t.[task_id])))))) AS [tasks_ahead],
       CONVERT(nvarchar(32), CASE WHEN e.[enabled_workers] = 0 AND e.[certificate_disabled_workers] > 0
                                  THEN N'certificate_changed'
            WHEN e.[enabled_workers] = 0 THEN N'no_enabled_worker'
            WHEN e.[online_workers] = 0 THEN N'no_online_worker'
            WHEN e.[free_slots] = 0 THEN N'workers_full'
            ELSE N'queued' END) AS [reason]
FROM [internal].[tasks] AS t
CROSS APPLY (
    SELECT CONVERT(int, COUNT(*)) AS [eligible_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 THEN 1 ELSE 0 END), 0)) AS [enabled_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 0 AND w.[disabled_reason] = N'certificate' THEN 1 ELSE 0 END), 0))
               AS [certificate_disabled_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 AND w.[online] = 1 THEN 1 ELSE 0 END), 0)) AS [online_workers],
           CONVERT(int, COALESCE(SUM(CASE WHEN w.[is_enabled] = 1 AND w.[online] = 1 AND COALESCE(w.[max_tasks], 1) > w.[running]
                                          THEN COALESCE(w.[max_tasks], 1) - w.[running] ELSE 0 END), 0)) AS [free_slots]
    FROM (SELECT wa.[is_enabled], wa.[max_tasks], wa.[disabled_reason],
                 CASE WHEN wa.[last_online_time] >= DATEADD(second,
                          -(SELECT CONVERT(int, p.[property_value]) FROM [internal].[catalog_properties] AS p
                            WHERE p.[property_name] = N'WORKER_ONLINE_WINDOW_SECONDS'), SYSDATETIMEOFFSET())
                      THEN 1 ELSE 0 END AS [online],
                 (SELECT COUNT(*) FROM [internal].[tasks] AS r
                  WHERE r.[worker_agent_id] = wa.[worker_agent_id] AND r.[status] = 2) AS [running]
          FROM [internal].[worker_agents] AS wa
          WHERE t.[use_any_worker] = 1
             OR EXISTS (SELECT 1 FROM [internal].[job_worker_agents] AS j
                        WHERE j.[job_id] = t.[job_id] AND j.[worker_agent_id] = wa.[worker_agent_id])) AS w) AS e
WHERE t.[status] = 1;
GO
-- The Dashboard's charts: per minute of the last 24 hours (minutes_ago 0 is the current minute), the
-- executions that ended (and how many of them failed), those that started, and their average pickup
-- time (start_execution to the first claim). Minutes with nothing in them have no row.
CREATE VIEW [catalog].[execution_rate]
AS
SELECT x.[minutes_ago], CONVERT(int, SUM(x.[ended])) AS [ended], CONVERT(int, SUM(x.[failed])) AS [failed],
       CONVERT(int, SUM(x.[started])) AS [started], SUM(x.[pickup_ms]) / NULLIF(SUM(x.[picked]), 0) AS [pickup_avg_ms]
FROM (SELECT CONVERT(int, DATEDIFF_BIG(second, o.[end_time], SYSDATETIMEOFFSET()) / 60) AS [minutes_ago], 1 AS [ended],
             CASE WHEN o.[status] IN (4, 6) THEN 1 ELSE 0 END AS [failed], 0 AS [started],
             CONVERT(float, 0) AS [pickup_ms], 0 AS [picked]
      FROM [internal].[operations] AS o
      WHERE o.[end_time] >= DATEADD(hour, -24, SYSDATETIMEOFFSET()) AND o.[operation_type] = 200
      UNION ALL
      SELECT CONVERT(int, DATEDIFF_BIG(second, o.[start_time], SYSDATETIMEOFFSET()) / 60), 0, 0, 1,
             COALESCE(CONVERT(float, DATEDIFF_BIG(microsecond, o.[start_time], a.[claimed_time])) / 1000.0, 0),
             CASE WHEN a.[claimed_time] IS NULL THEN 0 ELSE 1 END
      FROM [internal].[operations] AS o
      LEFT JOIN [internal].[task_attempts] AS a ON a.[execution_id] = o.[operation_id] AND a.[attempt] = 1
      WHERE o.[start_time] >= DATEADD(hour, -24, SYSDATETIMEOFFSET()) AND o.[operation_type] = 200) AS x
GROUP BY x.[minutes_ago];
GO
