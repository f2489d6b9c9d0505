-- Queues {count} executions through the catalog's own procedures (tests and benchmarks).
DO $$
DECLARE
    v_id bigint;
BEGIN
    FOR i IN 1..{count} LOOP
        v_id := NULL;
        CALL catalog.create_execution(folder_name => '{folder}', project_name => '{project}',
                                      package_name => '{package}', execution_id => v_id);
        CALL catalog.start_execution(v_id, {retry_count});
    END LOOP;
END
$$;
