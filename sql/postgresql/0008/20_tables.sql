-- scaleout_catalog, PostgreSQL, revision 0008: schedules, which SSIS leaves to SQL Agent. A schedule
-- names a package by folder, project and package name (as an execution does: it outlives a redeploy),
-- and its cron expression is kept parsed into bit masks, in the schedule's time zone.

CREATE TABLE internal.schedules (
    schedule_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    folder_name        text NOT NULL,
    name               text NOT NULL,
    project_name       text NOT NULL,
    package_name       text NOT NULL,
    reference_id       bigint,
    cron_expression    text NOT NULL,
    time_zone          text NOT NULL,
    -- bit n is set when value n matches: seconds 0-59, minutes 0-59, hours 0-23, days 1-31,
    -- months 1-12, weekdays 0-6 (Sunday 0). days_either: both day fields restricted, so either one
    -- matching is enough (cron's rule); otherwise both must.
    second_mask        bigint NOT NULL,
    minute_mask        bigint NOT NULL,
    hour_mask          bigint NOT NULL,
    day_mask           bigint NOT NULL,
    month_mask         bigint NOT NULL,
    weekday_mask       bigint NOT NULL,
    days_either        boolean NOT NULL,
    retry_count        integer NOT NULL CHECK (retry_count BETWEEN 0 AND 100),
    worker_agent_id    uuid,                 -- NULL: any enabled worker runs it
    missed_run_policy  text NOT NULL CHECK (missed_run_policy IN ('skip', 'run_once')),
    is_enabled         boolean NOT NULL,
    owner_name         text NOT NULL,        -- executions it starts are created as this login
    created_time       timestamptz NOT NULL DEFAULT now(),
    next_run_time      timestamptz,          -- the next due time; NULL while disabled
    last_run_time      timestamptz,          -- the due time of the last run
    last_execution_id  bigint,
    UNIQUE (folder_name, name)
);
-- The firing query: enabled schedules by due time.
CREATE INDEX ix_schedules_due ON internal.schedules (next_run_time) WHERE is_enabled;

-- The parameter values a schedule's executions start with (sensitive ones encrypted).
CREATE TABLE internal.schedule_parameter_values (
    schedule_id               bigint NOT NULL REFERENCES internal.schedules (schedule_id) ON DELETE CASCADE,
    object_type               smallint NOT NULL CHECK (object_type IN (20, 30, 50)),
    parameter_name            text NOT NULL,
    parameter_value           text,
    sensitive_parameter_value bytea,
    sensitive                 boolean NOT NULL,
    PRIMARY KEY (schedule_id, object_type, parameter_name)
);

-- One row per firing. run_type 'S' a due time, 'C' one run for due times missed in an outage
-- (missed_run_policy run_once), 'K' due times skipped after an outage, 'M' catalog.run_schedule_now.
-- The unique key is what makes a due time fire once, whichever worker fires it.
CREATE TABLE internal.schedule_runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    schedule_id     bigint NOT NULL REFERENCES internal.schedules (schedule_id) ON DELETE CASCADE,
    run_type        char(1) NOT NULL CHECK (run_type IN ('S', 'C', 'K', 'M')),
    due_time        timestamptz NOT NULL,
    fired_time      timestamptz NOT NULL DEFAULT now(),
    fired_by        text NOT NULL,        -- the worker agent id, or the login for 'M'
    execution_id    bigint REFERENCES internal.operations (operation_id) ON DELETE CASCADE,  -- goes with its execution
    missed_count    integer NOT NULL DEFAULT 0,
    error_number    integer,
    error_message   text,
    UNIQUE (schedule_id, run_type, due_time)
);
CREATE INDEX ix_schedule_runs_execution ON internal.schedule_runs (execution_id) WHERE execution_id IS NOT NULL;
