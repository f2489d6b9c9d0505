-- scaleout_catalog, PostgreSQL, revision 0005: what the web Scale Out Manager reads.

-- The catalog roles the caller holds, of those that read the catalog (a worker's login reads no view).
-- The manager offers only the actions they allow; the procedures still decide every call.
-- A superuser or the catalog's owner counts as ssis_admin, as in
-- internal.caller_is_admin (inlined: a view's callers need EXECUTE on the functions it calls).
CREATE VIEW catalog.caller_roles AS
SELECT r.role_name
FROM (VALUES ('ssis_admin'), ('ssis_cluster_executor'), ('ssis_logreader')) AS r (role_name)
WHERE pg_catalog.pg_has_role(session_user, r.role_name, 'MEMBER')
   OR (r.role_name = 'ssis_admin' AND (
          EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS a WHERE a.rolname = session_user AND a.rolsuper)
          OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace AS n
                     WHERE n.nspname = 'internal' AND pg_catalog.pg_has_role(session_user, n.nspowner, 'MEMBER'))));
