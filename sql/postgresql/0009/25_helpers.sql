-- scaleout_catalog, PostgreSQL, revision 0009: the hot paths, measured (benchmarks/peers.py).

-- SSIS's system parameters of an execution. A LANGUAGE sql function with a SET clause is planned again
-- on every call (0.13 ms, once per create_execution); without it, and with nothing volatile inside, the
-- planner inlines it into the calling statement, whose plan the calling procedure keeps. Only the
-- catalog's own procedures call it (EXECUTE is revoked from PUBLIC), and they pin search_path.
CREATE OR REPLACE FUNCTION internal.system_parameters()
RETURNS TABLE (name text, data_type text, value text)
LANGUAGE sql STABLE
ROWS 6
AS $$
    SELECT s.name, s.data_type, s.value
    FROM (VALUES ('LOGGING_LEVEL', 'Int32', (SELECT p.property_value FROM internal.catalog_properties AS p
                                             WHERE p.property_name = 'SERVER_LOGGING_LEVEL')),
                 ('DUMP_ON_ERROR', 'Boolean', '0'),
                 ('DUMP_ON_EVENT', 'Boolean', '0'),
                 ('DUMP_EVENT_CODE', 'String', '0'),
                 ('CALLER_INFO', 'String', NULL),
                 ('SYNCHRONIZED', 'Boolean', '0')) AS s (name, data_type, value)
$$;

-- A package's parameters with the values an execution starts from (unchanged from revision 0006), in
-- PL/pgSQL: its query is planned once a session instead of on every call (0.43 ms a create_execution
-- as a LANGUAGE sql function with SET; it encrypts, so it cannot be inlined).
CREATE OR REPLACE FUNCTION internal.starting_parameter_values(p_lsn bigint, p_package_name text, p_environment_id bigint)
RETURNS TABLE (object_type smallint, data_type text, parameter_name text, parameter_value text,
               sensitive_parameter_value bytea, sensitive boolean, required boolean, value_set boolean)
LANGUAGE plpgsql STABLE
ROWS 20
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT op.object_type, op.data_type, op.parameter_name,
           CASE WHEN s.sensitive THEN NULL ELSE s.plain END,
           CASE WHEN s.sensitive THEN coalesce(s.encrypted, internal.encrypt_sensitive(s.plain)) END,
           s.sensitive, op.required, s.is_set
    FROM internal.object_parameters AS op
    LEFT JOIN internal.environment_variables AS v
        ON op.value_type = 'R' AND v.environment_id = p_environment_id AND v.name = op.referenced_variable_name
    CROSS JOIN LATERAL (
        SELECT op.sensitive OR coalesce(v.sensitive, false) AS sensitive,
               CASE WHEN op.value_type = 'R' AND v.variable_id IS NOT NULL THEN v.value
                    WHEN op.value_type = 'R' AND op.required THEN NULL
                    WHEN op.value_type = 'V' AND op.value_set THEN op.server_value
                    ELSE op.default_value END AS plain,
               CASE WHEN op.value_type = 'R' AND v.variable_id IS NOT NULL THEN v.sensitive_value
                    WHEN op.value_type = 'V' AND op.value_set THEN op.sensitive_server_value END AS encrypted,
               CASE WHEN op.value_type = 'R' AND v.variable_id IS NOT NULL THEN true
                    WHEN op.value_type = 'R' AND op.required THEN false
                    WHEN op.value_type = 'V' AND op.value_set THEN true
                    ELSE op.default_value IS NOT NULL END AS is_set
    ) AS s
    WHERE op.project_version_lsn = p_lsn AND (op.object_type = 20 OR op.object_name = p_package_name);
END
$$;
