-- scaleout_catalog, PostgreSQL: schemas and the four SSISDB roles.
-- Roles are cluster-wide in PostgreSQL, so they are created only when missing
-- and are never dropped by the uninstall (another catalog may use them).

CREATE SCHEMA IF NOT EXISTS catalog;
CREATE SCHEMA IF NOT EXISTS internal;

DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['ssis_admin', 'ssis_cluster_executor', 'ssis_logreader', 'ssis_cluster_worker']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$roles$;

-- Nothing in the catalog is reachable except through explicit grants (60_grants.sql).
REVOKE ALL ON SCHEMA internal FROM PUBLIC;
REVOKE ALL ON SCHEMA catalog FROM PUBLIC;
