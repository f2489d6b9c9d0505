-- scaleout_catalog, PostgreSQL, revision 0007: catalog.grant_permission, deny_permission and
-- revoke_permission (SSISDB's parameters and numbers), and who the principals are.

-- One row per object, permission and principal: a grant or a deny of it (a deny replaces a grant, and
-- the other way round); revoking removes either, and revoking nothing is not an error (as in SSISDB).
CREATE PROCEDURE internal.update_permission(p_object_type integer, p_object_id bigint, p_principal_id bigint,
                                            p_permission_type integer, p_is_deny boolean)
LANGUAGE plpgsql
AS $$
DECLARE
    v_grantor bigint := (SELECT oid::bigint FROM pg_catalog.pg_roles WHERE rolname = session_user);
BEGIN
    PERFORM internal.check_permission_parameters(p_object_type, p_object_id, p_principal_id, p_permission_type);
    IF p_is_deny IS NULL THEN
        CASE p_object_type
            WHEN 1 THEN DELETE FROM internal.folder_permissions
                        WHERE object_id = p_object_id AND permission_type = p_permission_type AND principal_id = p_principal_id;
            WHEN 2 THEN DELETE FROM internal.project_permissions
                        WHERE object_id = p_object_id AND permission_type = p_permission_type AND principal_id = p_principal_id;
            WHEN 3 THEN DELETE FROM internal.environment_permissions
                        WHERE object_id = p_object_id AND permission_type = p_permission_type AND principal_id = p_principal_id;
            ELSE DELETE FROM internal.operation_permissions
                 WHERE object_id = p_object_id AND permission_type = p_permission_type AND principal_id = p_principal_id;
        END CASE;
        RETURN;
    END IF;
    CASE p_object_type
        WHEN 1 THEN
            INSERT INTO internal.folder_permissions AS t (object_id, principal_id, permission_type, is_deny, grantor_id)
            VALUES (p_object_id, p_principal_id, p_permission_type, p_is_deny, v_grantor)
            ON CONFLICT (object_id, permission_type, principal_id)
            DO UPDATE SET is_deny = excluded.is_deny, grantor_id = excluded.grantor_id;
        WHEN 2 THEN
            INSERT INTO internal.project_permissions AS t (object_id, principal_id, permission_type, is_deny, grantor_id)
            VALUES (p_object_id, p_principal_id, p_permission_type, p_is_deny, v_grantor)
            ON CONFLICT (object_id, permission_type, principal_id)
            DO UPDATE SET is_deny = excluded.is_deny, grantor_id = excluded.grantor_id;
        WHEN 3 THEN
            INSERT INTO internal.environment_permissions AS t (object_id, principal_id, permission_type, is_deny, grantor_id)
            VALUES (p_object_id, p_principal_id, p_permission_type, p_is_deny, v_grantor)
            ON CONFLICT (object_id, permission_type, principal_id)
            DO UPDATE SET is_deny = excluded.is_deny, grantor_id = excluded.grantor_id;
        ELSE
            INSERT INTO internal.operation_permissions AS t (object_id, principal_id, permission_type, is_deny, grantor_id)
            VALUES (p_object_id, p_principal_id, p_permission_type, p_is_deny, v_grantor)
            ON CONFLICT (object_id, permission_type, principal_id)
            DO UPDATE SET is_deny = excluded.is_deny, grantor_id = excluded.grantor_id;
    END CASE;
END
$$;

CREATE PROCEDURE catalog.grant_permission(object_type smallint, object_id bigint, principal_id bigint,
                                          permission_type smallint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    CALL internal.update_permission(grant_permission.object_type, grant_permission.object_id,
                                    grant_permission.principal_id, grant_permission.permission_type, false);
END
$$;

CREATE PROCEDURE catalog.deny_permission(object_type smallint, object_id bigint, principal_id bigint,
                                         permission_type smallint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    CALL internal.update_permission(deny_permission.object_type, deny_permission.object_id,
                                    deny_permission.principal_id, deny_permission.permission_type, true);
END
$$;

CREATE PROCEDURE catalog.revoke_permission(object_type smallint, object_id bigint, principal_id bigint,
                                           permission_type smallint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    CALL internal.update_permission(revoke_permission.object_type, revoke_permission.object_id,
                                    revoke_permission.principal_id, revoke_permission.permission_type, NULL);
END
$$;

-- The principals permissions are granted to, as sys.database_principals shows them on SQL Server:
-- principal_id (the role's oid; 0 is PUBLIC), name, and type 'S' for a login, 'R' for a role.
CREATE VIEW catalog.database_principals AS
SELECT 0::bigint AS principal_id, 'public'::text AS name, 'R'::char(1) AS type
UNION ALL
SELECT r.oid::bigint, r.rolname::text, (CASE WHEN r.rolcanlogin THEN 'S' ELSE 'R' END)::char(1)
FROM pg_catalog.pg_roles AS r
WHERE r.rolname !~ '^pg_';

-- Every explicit grant and deny on the objects the caller may read (all of them for an admin), with
-- SSISDB's columns.
CREATE VIEW catalog.explicit_object_permissions AS
SELECT p.object_type, p.object_id, p.principal_id, p.permission_type, p.is_deny, p.grantor_id
FROM internal.object_permissions AS p
WHERE (SELECT internal.caller_is_admin())
   OR CASE p.object_type WHEN 1 THEN internal.folder_is_readable(p.object_id)
                         ELSE internal.check_permission(p.object_type, p.object_id, 1) END;

-- The caller's own permissions (its roles' included) on each object that has any, as SSISDB computes
-- them: explicit and folder-inherited grants, less denies at either level, and the creator's on its
-- operations. As in SSISDB, membership of ssis_admin adds no rows here.
CREATE VIEW catalog.effective_object_permissions AS
SELECT c.object_type, c.object_id, c.permission_type
FROM (SELECT p.object_type, p.object_id, p.permission_type FROM internal.object_permissions AS p
      UNION
      SELECT o.object_type, o.object_id, f.permission_type - 100
      FROM internal.folder_permissions AS f
      JOIN (SELECT 2::smallint AS object_type, project_id AS object_id, folder_id FROM internal.projects
            UNION ALL
            SELECT 3::smallint, environment_id, folder_id FROM internal.environments) AS o ON o.folder_id = f.object_id
      WHERE f.permission_type > 100 AND NOT (o.object_type = 3 AND f.permission_type = 103)
      UNION
      SELECT 4::smallint, o.operation_id, x.permission_type
      FROM internal.operations AS o
      CROSS JOIN (VALUES (1::smallint), (2::smallint), (4::smallint)) AS x (permission_type)
      WHERE o.caller_name = session_user) AS c
WHERE internal.caller_holds_permission(c.object_type, c.object_id, c.permission_type);
