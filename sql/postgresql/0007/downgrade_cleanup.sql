-- scaleout_catalog, PostgreSQL: the end of removing revision 0007, once the earlier views and
-- procedures are back: the permission checks they called, and the permissions themselves.
DROP FUNCTION IF EXISTS internal.folder_is_readable(bigint);
DROP FUNCTION IF EXISTS internal.check_permission(integer, bigint, integer);
DROP FUNCTION IF EXISTS internal.caller_holds_permission(integer, bigint, integer);
DROP FUNCTION IF EXISTS internal.caller_has_permission_row(integer, bigint, integer, boolean);
DROP FUNCTION IF EXISTS internal.caller_is_principal(bigint);
DROP FUNCTION IF EXISTS internal.caller_reads_catalog();
DROP VIEW IF EXISTS internal.object_permissions;
DROP TABLE IF EXISTS internal.operation_permissions;
DROP TABLE IF EXISTS internal.environment_permissions;
DROP TABLE IF EXISTS internal.project_permissions;
DROP TABLE IF EXISTS internal.folder_permissions;
REVOKE EXECUTE ON FUNCTION internal.caller_is_admin() FROM ssis_admin, ssis_cluster_executor, ssis_logreader;
