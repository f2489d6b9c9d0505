-- scaleout_catalog, PostgreSQL, revision 0007: anyone who reads the catalog may grant, deny and revoke
-- (the procedures then ask for MANAGE_PERMISSIONS on the object) and read the permission views. The
-- views call the permission checks as their caller, so the callers may execute those.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
REVOKE EXECUTE ON ALL PROCEDURES IN SCHEMA catalog FROM PUBLIC;
REVOKE EXECUTE ON ALL PROCEDURES IN SCHEMA internal FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE
    catalog.grant_permission(smallint, bigint, bigint, smallint),
    catalog.deny_permission(smallint, bigint, bigint, smallint),
    catalog.revoke_permission(smallint, bigint, bigint, smallint)
TO ssis_admin, ssis_cluster_executor, ssis_logreader;
GRANT EXECUTE ON FUNCTION
    internal.caller_is_admin(),
    internal.caller_reads_catalog(),
    internal.check_permission(integer, bigint, integer),
    internal.caller_holds_permission(integer, bigint, integer),
    internal.folder_is_readable(bigint)
TO ssis_admin, ssis_cluster_executor, ssis_logreader;
GRANT SELECT ON catalog.explicit_object_permissions, catalog.effective_object_permissions, catalog.database_principals
    TO ssis_admin, ssis_cluster_executor, ssis_logreader;
