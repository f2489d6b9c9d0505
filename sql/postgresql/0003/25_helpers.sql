-- scaleout_catalog, PostgreSQL, revision 0003: SSIS's system parameters of an execution, with their
-- defaults (create_execution adds them one execution at a time, create_and_start_executions by set).
CREATE FUNCTION internal.system_parameters()
RETURNS TABLE (name text, data_type text, value text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.name, s.data_type, s.value
    FROM (VALUES ('LOGGING_LEVEL', 'Int32', (SELECT property_value FROM internal.catalog_properties
                                             WHERE property_name = 'SERVER_LOGGING_LEVEL')),
                 ('DUMP_ON_ERROR', 'Boolean', '0'),
                 ('DUMP_ON_EVENT', 'Boolean', '0'),
                 ('DUMP_EVENT_CODE', 'String', '0'),
                 ('CALLER_INFO', 'String', NULL),
                 ('SYNCHRONIZED', 'Boolean', '0')) AS s (name, data_type, value)
$$;

-- The checks every procedure makes, rewritten in PL/pgSQL without their own search_path: a SQL
-- function with a SET clause is planned again on every call (about 0.2 ms for caller_is_admin, several
-- times per procedure call), while PL/pgSQL keeps its plans for the session. Only the catalog's own
-- SECURITY DEFINER procedures call them, and those pin search_path already.
CREATE OR REPLACE FUNCTION internal.caller_is_admin()
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN pg_catalog.pg_has_role(session_user, 'ssis_admin', 'MEMBER')
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = session_user AND rolsuper)
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace AS n
                   WHERE n.nspname = 'internal' AND pg_catalog.pg_has_role(session_user, n.nspowner, 'MEMBER'));
END
$$;

CREATE OR REPLACE FUNCTION internal.caller_in_role(p_role text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN pg_catalog.pg_has_role(session_user, p_role, 'MEMBER') OR internal.caller_is_admin();
END
$$;

CREATE OR REPLACE FUNCTION internal.catalog_property_int(p_name text)
RETURNS integer
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN (SELECT property_value::integer FROM internal.catalog_properties WHERE property_name = p_name);
END
$$;
