-- scaleout_catalog, PostgreSQL, revision 0004: a worker reports its package messages and its
-- finished attempts in one call and one transaction.

-- messages: as for internal.append_operation_messages; tasks: as for internal.update_tasks_status.
-- Either may be NULL (nothing of that kind to report), not both. All or nothing: a refusal of either
-- part (the same error numbers as those procedures) writes no message and reports no outcome. The
-- messages are written first, so an execution reported finished already has its whole log.
-- Returns update_tasks_status's rows: one per element of tasks (none when tasks is NULL).
CREATE FUNCTION internal.report_tasks(worker_agent_id uuid, messages text, tasks text)
RETURNS TABLE (task_id uuid, status integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF report_tasks.messages IS NULL AND report_tasks.tasks IS NULL THEN
        PERFORM internal.raise_error(27100,
            'Pass messages, tasks or both: a report of nothing is not a report. Nothing was reported.');
    END IF;
    IF report_tasks.messages IS NOT NULL THEN
        PERFORM internal.append_operation_messages(report_tasks.worker_agent_id, report_tasks.messages);
    END IF;
    IF report_tasks.tasks IS NOT NULL THEN
        RETURN QUERY SELECT u.task_id, u.status
                     FROM internal.update_tasks_status(report_tasks.worker_agent_id, report_tasks.tasks) AS u;
    END IF;
END
$$;
