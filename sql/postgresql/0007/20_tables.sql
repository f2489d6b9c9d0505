-- scaleout_catalog, PostgreSQL, revision 0007: permissions on folders, projects, environments and
-- operations, as SSISDB keeps them (catalog.grant_permission, deny_permission, revoke_permission).
-- One row per object, permission and principal, granted or denied; a row goes with its object.
-- principal_id is the role's oid (pg_roles.oid), 0 for PUBLIC: SSISDB's database principal id.

CREATE TABLE internal.folder_permissions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_id       bigint NOT NULL REFERENCES internal.folders (folder_id) ON DELETE CASCADE,
    principal_id    bigint NOT NULL,
    permission_type smallint NOT NULL CHECK (permission_type IN (1, 2, 4, 100, 101, 102, 103, 104)),
    is_deny         boolean NOT NULL,
    grantor_id      bigint NOT NULL,
    UNIQUE (object_id, permission_type, principal_id)
);

CREATE TABLE internal.project_permissions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_id       bigint NOT NULL REFERENCES internal.projects (project_id) ON DELETE CASCADE,
    principal_id    bigint NOT NULL,
    permission_type smallint NOT NULL CHECK (permission_type IN (1, 2, 3, 4)),
    is_deny         boolean NOT NULL,
    grantor_id      bigint NOT NULL,
    UNIQUE (object_id, permission_type, principal_id)
);

CREATE TABLE internal.environment_permissions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_id       bigint NOT NULL REFERENCES internal.environments (environment_id) ON DELETE CASCADE,
    principal_id    bigint NOT NULL,
    permission_type smallint NOT NULL CHECK (permission_type IN (1, 2, 4)),
    is_deny         boolean NOT NULL,
    grantor_id      bigint NOT NULL,
    UNIQUE (object_id, permission_type, principal_id)
);

CREATE TABLE internal.operation_permissions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_id       bigint NOT NULL REFERENCES internal.operations (operation_id) ON DELETE CASCADE,
    principal_id    bigint NOT NULL,
    permission_type smallint NOT NULL CHECK (permission_type IN (1, 2, 4)),
    is_deny         boolean NOT NULL,
    grantor_id      bigint NOT NULL,
    UNIQUE (object_id, permission_type, principal_id)
);

-- All four, as SSISDB's internal.object_permissions view: object_type 1 folder, 2 project,
-- 3 environment, 4 operation.
CREATE VIEW internal.object_permissions AS
SELECT 1::smallint AS object_type, object_id, principal_id, permission_type, is_deny, grantor_id FROM internal.folder_permissions
UNION ALL
SELECT 2::smallint, object_id, principal_id, permission_type, is_deny, grantor_id FROM internal.project_permissions
UNION ALL
SELECT 3::smallint, object_id, principal_id, permission_type, is_deny, grantor_id FROM internal.environment_permissions
UNION ALL
SELECT 4::smallint, object_id, principal_id, permission_type, is_deny, grantor_id FROM internal.operation_permissions;
