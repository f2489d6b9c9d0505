-- scaleout_catalog, PostgreSQL, revision 0006: environments, their variables, the projects' references
-- to them, and values set on a deployed project's parameters (literals, or names of variables).

CREATE TABLE internal.environments (
    environment_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    environment_name text NOT NULL,
    folder_id        bigint NOT NULL REFERENCES internal.folders (folder_id),
    description      text,
    created_by_name  text NOT NULL,
    created_time     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (folder_id, environment_name)
);

CREATE TABLE internal.environment_variables (
    variable_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    environment_id  bigint NOT NULL REFERENCES internal.environments (environment_id) ON DELETE CASCADE,
    name            text NOT NULL,
    description     text,
    type            text NOT NULL CHECK (type IN ('String', 'Int32', 'Int64', 'Double', 'Boolean', 'DateTime')),
    sensitive       boolean NOT NULL,
    value           text,        -- NULL when sensitive and encrypted
    sensitive_value bytea,       -- internal.encrypt_sensitive's form, when sensitive
    UNIQUE (environment_id, name)
);

-- A project's reference names its environment, as SSISDB's does: relative ('R', the project's own
-- folder) or absolute ('A', environment_folder_name). Renaming or moving an environment carries its
-- references along (catalog.rename_environment, catalog.move_environment).
CREATE TABLE internal.environment_references (
    reference_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id              bigint NOT NULL REFERENCES internal.projects (project_id) ON DELETE CASCADE,
    reference_type          char(1) NOT NULL CHECK (reference_type IN ('R', 'A')),
    environment_folder_name text,
    environment_name        text NOT NULL,
    validation_status       char(1) NOT NULL DEFAULT 'N',
    last_validation_time    timestamptz,
    CHECK ((reference_type = 'R') = (environment_folder_name IS NULL))
);
CREATE UNIQUE INDEX ux_environment_references ON internal.environment_references
    (project_id, reference_type, coalesce(environment_folder_name, ''), environment_name);

-- A value set on the server for a deployed parameter (catalog.set_object_parameter_value): 'V' a
-- literal (server_value, or sensitive_server_value when sensitive), 'R' the name of an environment
-- variable, resolved through the execution's reference. default_value stays the design default.
ALTER TABLE internal.object_parameters
    ADD COLUMN value_type char(1) NOT NULL DEFAULT 'V' CHECK (value_type IN ('V', 'R')),
    ADD COLUMN value_set boolean NOT NULL DEFAULT false,
    ADD COLUMN server_value text,
    ADD COLUMN sensitive_server_value bytea,
    ADD COLUMN referenced_variable_name text;

-- The environment an execution took its values from.
ALTER TABLE internal.executions
    ADD COLUMN reference_id bigint,
    ADD COLUMN reference_type char(1),
    ADD COLUMN environment_folder_name text,
    ADD COLUMN environment_name text;

-- Who restored a version, and when (catalog.restore_project): a restored version counts as recent
-- when old versions are pruned to MAX_PROJECT_VERSIONS.
ALTER TABLE internal.object_versions
    ADD COLUMN restored_by text,
    ADD COLUMN last_restored_time timestamptz;

-- A number for each attempt, for catalog.executable_statistics (SSISDB's statistics_id).
ALTER TABLE internal.task_attempts ADD COLUMN statistics_id bigint GENERATED ALWAYS AS IDENTITY;
