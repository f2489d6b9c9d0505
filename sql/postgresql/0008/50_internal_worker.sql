-- scaleout_catalog, PostgreSQL, revision 0008: workers fire due schedules. Each call locks the due
-- schedules no other worker holds (SKIP LOCKED), fires each due time once and moves next_run_time on, in
-- one transaction: a worker that dies mid-call fires nothing, and the next call fires it instead.

CREATE FUNCTION internal.fire_schedules(worker_agent_id uuid)
RETURNS TABLE (fired integer, next_due_seconds double precision)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c_grace  constant interval := interval '60 seconds';   -- a due time later than this was missed
    c_burst  constant integer := 100;                      -- due times fired per schedule and call, at most
    v_s      internal.schedules;
    v_due    timestamptz;
    v_next   timestamptz;
    v_missed integer;
    v_count  integer := 0;
    v_n      integer;
    v_by     text := fire_schedules.worker_agent_id::text;
BEGIN
    PERFORM internal.authorize_worker(fire_schedules.worker_agent_id, true);
    FOR v_s IN
        SELECT * FROM internal.schedules AS s
        WHERE s.is_enabled AND s.next_run_time <= now()
        ORDER BY s.next_run_time
        LIMIT 100
        FOR UPDATE SKIP LOCKED
    LOOP
        v_due := v_s.next_run_time;
        IF v_due < now() - c_grace THEN
            -- An outage: the due times up to the grace window are missed; skip them, or run once for them.
            v_next := internal.schedule_next_time(v_s, now() - c_grace - interval '1 second');
            v_missed := 0;
            WHILE v_due IS NOT NULL AND v_due < now() - c_grace AND v_missed < 1000 LOOP   -- counted up to 1000
                v_missed := v_missed + 1;
                v_due := internal.schedule_next_time(v_s, v_due);
            END LOOP;
            PERFORM internal.fire_schedule(v_s.schedule_id, CASE v_s.missed_run_policy WHEN 'run_once' THEN 'C' ELSE 'K' END,
                                           v_s.next_run_time, v_by, v_missed);
            v_count := v_count + CASE v_s.missed_run_policy WHEN 'run_once' THEN 1 ELSE 0 END;
            v_due := v_next;
        END IF;
        v_n := 0;
        WHILE v_due IS NOT NULL AND v_due <= now() AND v_n < c_burst LOOP
            PERFORM internal.fire_schedule(v_s.schedule_id, 'S', v_due, v_by);
            v_n := v_n + 1;
            v_due := internal.schedule_next_time(v_s, v_due);
        END LOOP;
        v_count := v_count + v_n;
        UPDATE internal.schedules SET next_run_time = v_due WHERE schedule_id = v_s.schedule_id;
    END LOOP;
    RETURN QUERY
    SELECT v_count, CASE WHEN min(s.next_run_time) IS NOT NULL    -- least() would turn no schedule into 86400
                         THEN least(extract(epoch FROM min(s.next_run_time) - clock_timestamp()), 86400)::double precision END
    FROM internal.schedules AS s WHERE s.is_enabled;
END
$$;
