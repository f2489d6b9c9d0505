-- scaleout_catalog, PostgreSQL, revision 0007: who may do what to which object (SSISDB's
-- internal.check_permission and its effective permissions).

-- Admins (internal.caller_is_admin) and ssis_logreader read every row of the catalog's views. This and the
-- checks below run as their owner: the views call them as their caller, who has no rights in internal.
CREATE FUNCTION internal.caller_reads_catalog()
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN internal.caller_is_admin() OR pg_catalog.pg_has_role(session_user, 'ssis_logreader', 'MEMBER');
END
$$;

-- The caller is this principal, or a member of it; principal 0 is PUBLIC, which everyone is.
CREATE FUNCTION internal.caller_is_principal(p_principal_id bigint)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT p_principal_id = 0
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
                   WHERE r.oid = p_principal_id::oid AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'))
$$;

-- A row of the object's permissions, granted (p_is_deny false) or denied, to the caller or a role it is in.
-- One query over internal.object_permissions: each of its four branches is skipped by a one-time filter
-- on the object type, and the one left reads its table's unique index.
CREATE FUNCTION internal.caller_has_permission_row(p_object_type integer, p_object_id bigint,
                                                   p_permission_type integer, p_is_deny boolean)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM internal.object_permissions AS p
                   WHERE p.object_type = p_object_type AND p.object_id = p_object_id
                     AND p.permission_type = p_permission_type AND p.is_deny = p_is_deny
                     AND internal.caller_is_principal(p.principal_id))
$$;

-- SSISDB's rule: the caller holds a permission on an object when it is granted on the object, or on its
-- folder as the *_OBJECTS permission (READ_OBJECTS 101 gives READ on the folder's projects and
-- environments, and so on; EXECUTE_OBJECTS reaches projects only), and denied on neither: DENY beats
-- GRANT, whichever principal or level carries it. Whoever created an operation holds READ, MODIFY and
-- MANAGE_PERMISSIONS on it, as SSISDB grants them at creation (here implied by operations.caller_name:
-- no rows written on the hot path). Roles do not count here: catalog.effective_object_permissions.
CREATE FUNCTION internal.caller_holds_permission(p_object_type integer, p_object_id bigint, p_permission_type integer)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_folder_id bigint;
BEGIN
    IF p_permission_type < 100 THEN
        v_folder_id := CASE p_object_type
            WHEN 2 THEN (SELECT folder_id FROM internal.projects WHERE project_id = p_object_id)
            WHEN 3 THEN (SELECT folder_id FROM internal.environments WHERE environment_id = p_object_id) END;
    END IF;
    IF internal.caller_has_permission_row(p_object_type, p_object_id, p_permission_type, true)
       OR (v_folder_id IS NOT NULL
           AND internal.caller_has_permission_row(1, v_folder_id, p_permission_type + 100, true)) THEN
        RETURN false;
    END IF;
    RETURN internal.caller_has_permission_row(p_object_type, p_object_id, p_permission_type, false)
        OR (v_folder_id IS NOT NULL AND NOT (p_object_type = 3 AND p_permission_type = 3)
            AND internal.caller_has_permission_row(1, v_folder_id, p_permission_type + 100, false))
        OR (p_object_type = 4 AND p_permission_type IN (1, 2, 4)
            AND EXISTS (SELECT 1 FROM internal.operations AS o
                        WHERE o.operation_id = p_object_id AND o.caller_name = session_user));
END
$$;

-- What the procedures and views ask (SSISDB's internal.check_permission): admins have every permission,
-- ssis_logreader reads every operation, anyone else what it holds.
CREATE FUNCTION internal.check_permission(p_object_type integer, p_object_id bigint, p_permission_type integer)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN internal.caller_is_admin()
        OR (p_object_type = 4 AND p_permission_type = 1 AND pg_catalog.pg_has_role(session_user, 'ssis_logreader', 'MEMBER'))
        OR internal.caller_holds_permission(p_object_type, p_object_id, p_permission_type);
END
$$;

-- A folder is listed to whoever may read it, or read a project or environment in it.
CREATE FUNCTION internal.folder_is_readable(p_folder_id bigint)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN internal.check_permission(1, p_folder_id, 1)
        OR EXISTS (SELECT 1 FROM internal.projects AS p
                   WHERE p.folder_id = p_folder_id AND internal.check_permission(2, p.project_id, 1))
        OR EXISTS (SELECT 1 FROM internal.environments AS e
                   WHERE e.folder_id = p_folder_id AND internal.check_permission(3, e.environment_id, 1));
END
$$;

-- The object of a grant, deny or revoke, checked as SSISDB checks it: a valid object type and
-- permission (27101), a permission that applies to that type (27191: EXECUTE to projects only, the
-- *_OBJECTS permissions to folders only), an object the caller can see (27104, 27109, 27182, 27105),
-- a principal that exists (27101), and MANAGE_PERMISSIONS on the object (27192).
CREATE FUNCTION internal.check_permission_parameters(p_object_type integer, p_object_id bigint,
                                                     p_principal_id bigint, p_permission_type integer)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM internal.require_not_null(p_object_type, 'object_type');
    PERFORM internal.require_not_null(p_object_id, 'object_id');
    PERFORM internal.require_not_null(p_principal_id, 'principal_id');
    PERFORM internal.require_not_null(p_permission_type, 'permission_type');
    IF p_object_type NOT IN (1, 2, 3, 4) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for object_type is not valid: %s. Pass 1 (folder), 2 (project), 3 (environment) or 4 (operation).',
            p_object_type));
    END IF;
    IF p_permission_type NOT IN (1, 2, 3, 4, 100, 101, 102, 103, 104) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for permission_type is not valid: %s. Pass 1 READ, 2 MODIFY, 3 EXECUTE, 4 MANAGE_PERMISSIONS, '
            '100 CREATE_OBJECTS, 101 READ_OBJECTS, 102 MODIFY_OBJECTS, 103 EXECUTE_OBJECTS or 104 MANAGE_OBJECT_PERMISSIONS.',
            p_permission_type));
    END IF;
    IF (p_object_type <> 2 AND p_permission_type = 3) OR (p_object_type <> 1 AND p_permission_type >= 100) THEN
        PERFORM internal.raise_error(27191, pg_catalog.format(
            'The ''%s'' permission is not applicable to objects of type ''%s''. Grant, deny, or revoke of this permission '
            'is not allowed: EXECUTE applies to projects (2), and 100 to 104 to folders (1).', p_permission_type, p_object_type));
    END IF;
    IF p_object_type = 1 AND NOT (EXISTS (SELECT 1 FROM internal.folders WHERE folder_id = p_object_id)
                                  AND internal.folder_is_readable(p_object_id)) THEN
        PERFORM internal.raise_error(27104, pg_catalog.format(
            'Cannot find the folder ''%s'' because it does not exist or you do not have sufficient permissions. '
            'See its id in catalog.folders.', p_object_id));
    ELSIF p_object_type = 2 AND NOT (EXISTS (SELECT 1 FROM internal.projects WHERE project_id = p_object_id)
                                     AND internal.check_permission(2, p_object_id, 1)) THEN
        PERFORM internal.raise_error(27109, pg_catalog.format(
            'Cannot find the project ''%s'' because it does not exist or you do not have sufficient permissions. '
            'See its project_id in catalog.projects.', p_object_id));
    ELSIF p_object_type = 3 AND NOT (EXISTS (SELECT 1 FROM internal.environments WHERE environment_id = p_object_id)
                                     AND internal.check_permission(3, p_object_id, 1)) THEN
        PERFORM internal.raise_error(27182, pg_catalog.format(
            'The environment ''%s'' does not exist or you have not been granted the appropriate permissions to access it. '
            'See its environment_id in catalog.environments.', p_object_id));
    ELSIF p_object_type = 4 AND NOT (EXISTS (SELECT 1 FROM internal.operations WHERE operation_id = p_object_id)
                                     AND internal.check_permission(4, p_object_id, 1)) THEN
        PERFORM internal.raise_error(27105, pg_catalog.format(
            'Cannot find the operation ''%s'' because it does not exist or you do not have sufficient permissions. '
            'See its operation_id in catalog.operations.', p_object_id));
    END IF;
    IF p_principal_id <> 0 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE oid::bigint = p_principal_id) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for principal_id is not valid: no database principal has the id %s. '
            'See catalog.database_principals (0 is PUBLIC).', p_principal_id));
    END IF;
    IF NOT internal.check_permission(p_object_type, p_object_id, 4) THEN
        PERFORM internal.raise_error(27192,
            'The caller has not been granted the MANAGE_PERMISSIONS permission for the specified object. Ask its '
            'owner or an ssis_admin member to grant it, or MANAGE_OBJECT_PERMISSIONS on its folder.');
    END IF;
END
$$;
