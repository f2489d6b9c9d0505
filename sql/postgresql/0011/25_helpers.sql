-- scaleout_catalog, PostgreSQL, revision 0011: the permission checks of revision 0007 keep their plans.
-- caller_is_principal and caller_has_permission_row were SQL functions with a subquery, which PostgreSQL
-- cannot inline: it planned their queries again on every call, in every transaction, about 0.4 ms
-- a call. A login that is not an admin pays for them eight times in SSIS's create_execution and
-- start_execution, and once a row or more in the views. PL/pgSQL keeps its plans for the session.
-- The same rules and queries as in revision 0007. SQL Server keeps these T-SQL functions' plans already
-- (sql/mssql/0011 changes nothing).

-- The caller is this principal, or a member of it; principal 0 is PUBLIC, which everyone is.
CREATE OR REPLACE FUNCTION internal.caller_is_principal(p_principal_id bigint)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN p_principal_id = 0
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
                   WHERE r.oid = p_principal_id::oid AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'));
END
$$;

-- A row of the object's permissions, granted (p_is_deny false) or denied, to the caller or a role it is in.
-- One query over internal.object_permissions: each of its four branches is skipped by a one-time filter
-- on the object type, and the one left reads its table's unique index.
CREATE OR REPLACE FUNCTION internal.caller_has_permission_row(p_object_type integer, p_object_id bigint,
                                                              p_permission_type integer, p_is_deny boolean)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM internal.object_permissions AS p
                   WHERE p.object_type = p_object_type AND p.object_id = p_object_id
                     AND p.permission_type = p_permission_type AND p.is_deny = p_is_deny
                     AND internal.caller_is_principal(p.principal_id));
END
$$;
