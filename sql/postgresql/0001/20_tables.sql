-- scaleout_catalog, PostgreSQL: tables (schema internal).
-- Column meanings and codes follow SSISDB; see the views for the public names.

CREATE TABLE internal.catalog_properties (
    property_name  text PRIMARY KEY,
    property_value text NOT NULL
);

INSERT INTO internal.catalog_properties (property_name, property_value) VALUES
    ('DEFAULT_EXECUTION_MODE', '1'),        -- 1 = Scale Out; the only mode this catalog runs
    ('IS_SCALEOUT_ENABLED', 'True'),
    ('RETENTION_WINDOW', '365'),            -- days kept by internal.cleanup_server_retention_window
    ('OPERATION_CLEANUP_ENABLED', 'TRUE'),
    ('MAX_PROJECT_VERSIONS', '10'),
    ('SERVER_LOGGING_LEVEL', '1'),
    ('SCHEMA_VERSION', '1'),
    ('WORKER_LEASE_SECONDS', '30'),         -- extension: task lease, in database time
    ('WORKER_ONLINE_WINDOW_SECONDS', '30'); -- extension: IsOnline = heartbeat within this window

CREATE TABLE internal.master_properties (
    property_name  text PRIMARY KEY,
    property_value text NOT NULL
);

CREATE TABLE internal.worker_agents (
    worker_agent_id        uuid PRIMARY KEY,
    is_enabled             boolean NOT NULL DEFAULT false,   -- new workers are disabled (SSIS)
    display_name           text,
    description            text,
    machine_name           text,
    tags                   text,
    user_account           text NOT NULL,                    -- the login that registered it
    last_online_time       timestamptz NOT NULL DEFAULT now(),
    certificate_thumbprint text,
    next_certificate_thumbprint text,                        -- announced by the worker before a rotation
    max_tasks              integer,
    created_time           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE internal.folders (
    folder_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    description     text,
    created_by_name text NOT NULL,
    created_time    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE internal.projects (
    project_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    folder_id          bigint NOT NULL REFERENCES internal.folders (folder_id),
    name               text NOT NULL,
    description        text,
    object_version_lsn bigint,                 -- the current version
    deployed_by_name   text NOT NULL,
    last_deployed_time timestamptz NOT NULL DEFAULT now(),
    created_time       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (folder_id, name)
);

-- One row per deployed version; the archive (.ispac analogue) is opaque bytes here.
CREATE TABLE internal.object_versions (
    object_version_lsn bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id         bigint NOT NULL REFERENCES internal.projects (project_id) ON DELETE CASCADE,
    version            text,
    project_stream     bytea NOT NULL,
    project_checksum   text NOT NULL,          -- sha256 of project_stream, hex
    created_by         text NOT NULL,
    created_time       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE internal.packages (
    package_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_version_lsn bigint NOT NULL REFERENCES internal.object_versions (object_version_lsn) ON DELETE CASCADE,
    name               text NOT NULL,
    entry_point        text NOT NULL,          -- module:function
    description        text,
    UNIQUE (project_version_lsn, name)
);

-- Parameters declared by the manifest: object_type 20 = project, 30 = package.
CREATE TABLE internal.object_parameters (
    parameter_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_version_lsn bigint NOT NULL REFERENCES internal.object_versions (object_version_lsn) ON DELETE CASCADE,
    object_type         smallint NOT NULL CHECK (object_type IN (20, 30)),
    object_name         text NOT NULL,          -- project name or package name
    parameter_name      text NOT NULL,
    data_type           text NOT NULL CHECK (data_type IN ('String', 'Int32', 'Int64', 'Double', 'Boolean', 'DateTime')),
    required            boolean NOT NULL DEFAULT false,
    sensitive           boolean NOT NULL DEFAULT false,
    default_value       text,
    description         text,
    UNIQUE (project_version_lsn, object_type, object_name, parameter_name)
);

CREATE TABLE internal.operations (
    operation_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operation_type   smallint NOT NULL,         -- 101 deploy, 200 execution, 202 stop, 1000 configure
    created_time     timestamptz NOT NULL DEFAULT now(),
    object_type      smallint,                  -- 10 folder, 20 project, 30 package
    object_id        bigint,
    object_name      text,
    status           integer NOT NULL,          -- SSIS codes 1..9
    start_time       timestamptz,
    end_time         timestamptz,
    caller_name      text NOT NULL,
    process_id       integer,
    stopped_by_name  text,
    server_name      text,
    machine_name     text,
    worker_agent_id  uuid,
    executed_count   integer NOT NULL DEFAULT 0
);
CREATE INDEX ix_operations_end_time ON internal.operations (end_time) WHERE end_time IS NOT NULL;

CREATE TABLE internal.executions (
    execution_id     bigint PRIMARY KEY REFERENCES internal.operations (operation_id) ON DELETE CASCADE,
    folder_name      text NOT NULL,
    project_name     text NOT NULL,
    package_name     text NOT NULL,
    project_id       bigint NOT NULL,
    project_lsn      bigint NOT NULL,
    use32bitruntime  boolean NOT NULL DEFAULT false,
    executed_as_name text NOT NULL,
    job_id           uuid                       -- not NULL for Scale Out executions
);

CREATE TABLE internal.execution_parameter_values (
    execution_parameter_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id        bigint NOT NULL REFERENCES internal.executions (execution_id) ON DELETE CASCADE,
    object_type         smallint NOT NULL CHECK (object_type IN (20, 30, 50)),
    parameter_data_type text NOT NULL,
    parameter_name      text NOT NULL,
    parameter_value     text,                   -- NULL when sensitive
    sensitive_parameter_value bytea,            -- set only when sensitive
    sensitive           boolean NOT NULL DEFAULT false,
    required            boolean NOT NULL DEFAULT false,
    value_set           boolean NOT NULL DEFAULT false,
    runtime_override    boolean NOT NULL DEFAULT false,
    UNIQUE (execution_id, object_type, parameter_name)
);

CREATE TABLE internal.jobs (
    job_id                 uuid PRIMARY KEY,
    is_cancelled           boolean NOT NULL DEFAULT false,
    created_time           timestamptz NOT NULL DEFAULT now(),
    job_type               integer NOT NULL,   -- 1 = execution job
    input_data             text,
    creator                text NOT NULL,
    priority               integer NOT NULL DEFAULT 0,
    use_all_worker_agents  boolean NOT NULL DEFAULT true,
    last_updated_time      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE internal.job_worker_agents (
    job_id          uuid NOT NULL REFERENCES internal.jobs (job_id) ON DELETE CASCADE,
    worker_agent_id uuid NOT NULL,
    PRIMARY KEY (job_id, worker_agent_id)
);

-- The hot queue: only tasks that are queued or running. A task that reaches a
-- terminal status moves to internal.tasks_history in the same transaction.
-- Task status: 1 queued, 2 running, 4 failed, 5 succeeded, 6 cancelled.
CREATE TABLE internal.tasks (
    task_id                 uuid PRIMARY KEY,
    job_id                  uuid NOT NULL REFERENCES internal.jobs (job_id) ON DELETE CASCADE,
    execution_id            bigint NOT NULL,
    task_type               integer NOT NULL DEFAULT 0,
    input_data              text,
    max_executed_count      integer NOT NULL DEFAULT 1 CHECK (max_executed_count > 0),
    executed_count          integer NOT NULL DEFAULT 0,
    status                  integer NOT NULL,
    priority                integer NOT NULL DEFAULT 0,
    use_any_worker          boolean NOT NULL,
    ready_for_dispatch_time timestamptz,
    worker_agent_id         uuid,
    lease_token             uuid,
    expired_time            timestamptz,
    is_cancelled            boolean NOT NULL DEFAULT false,
    last_pickup_time        timestamptz,
    created_time            timestamptz NOT NULL DEFAULT now(),
    last_updated_time       timestamptz NOT NULL DEFAULT now()
);
-- Matches the claim's WHERE and ORDER BY exactly.
CREATE INDEX ix_tasks_queue ON internal.tasks (priority DESC, ready_for_dispatch_time, task_id) WHERE status = 1;
CREATE INDEX ix_tasks_expired ON internal.tasks (expired_time) WHERE status = 2;
CREATE INDEX ix_tasks_execution ON internal.tasks (execution_id);

CREATE TABLE internal.tasks_history (
    task_id                 uuid PRIMARY KEY,
    job_id                  uuid NOT NULL,
    execution_id            bigint NOT NULL,
    task_type               integer NOT NULL,
    input_data              text,
    max_executed_count      integer NOT NULL,
    executed_count          integer NOT NULL,
    status                  integer NOT NULL,
    priority                integer NOT NULL,
    use_any_worker          boolean NOT NULL,
    worker_agent_id         uuid,
    is_cancelled            boolean NOT NULL,
    last_pickup_time        timestamptz,
    created_time            timestamptz NOT NULL,
    last_updated_time       timestamptz NOT NULL
);
CREATE INDEX ix_tasks_history_execution ON internal.tasks_history (execution_id);

-- One row per claim: which worker ran which attempt, under which fencing token.
CREATE TABLE internal.task_attempts (
    lease_token     uuid PRIMARY KEY,
    task_id         uuid NOT NULL,
    execution_id    bigint NOT NULL,
    attempt         integer NOT NULL,
    worker_agent_id uuid NOT NULL,
    claimed_time    timestamptz NOT NULL DEFAULT now(),
    ended_time      timestamptz,
    status          integer NOT NULL DEFAULT 2
);
CREATE INDEX ix_task_attempts_execution ON internal.task_attempts (execution_id);

CREATE TABLE internal.operation_messages (
    operation_message_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operation_id         bigint NOT NULL REFERENCES internal.operations (operation_id) ON DELETE CASCADE,
    message_time         timestamptz NOT NULL,
    message_type         smallint NOT NULL,
    message_source_type  smallint NOT NULL DEFAULT 20,
    message              text NOT NULL,
    event_message_guid   uuid NOT NULL UNIQUE,   -- makes a re-sent batch idempotent
    worker_agent_id      uuid,
    attempt              integer
);
CREATE INDEX ix_operation_messages_operation ON internal.operation_messages (operation_id, message_time);
