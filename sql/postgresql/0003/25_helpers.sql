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
