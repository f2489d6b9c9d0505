-- scaleout_catalog, PostgreSQL: removes revision 0007. The views and procedures it redefined are put
-- back from the earlier revisions after this; downgrade_cleanup.sql then drops the checks they called.
DROP PROCEDURE IF EXISTS catalog.grant_permission(smallint, bigint, bigint, smallint);
DROP PROCEDURE IF EXISTS catalog.deny_permission(smallint, bigint, bigint, smallint);
DROP PROCEDURE IF EXISTS catalog.revoke_permission(smallint, bigint, bigint, smallint);
DROP PROCEDURE IF EXISTS internal.update_permission(integer, bigint, bigint, integer, boolean);
DROP VIEW IF EXISTS catalog.explicit_object_permissions;
DROP VIEW IF EXISTS catalog.effective_object_permissions;
DROP VIEW IF EXISTS catalog.database_principals;
DROP FUNCTION IF EXISTS internal.check_permission_parameters(integer, bigint, bigint, integer);
