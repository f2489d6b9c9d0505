-- scaleout_catalog, PostgreSQL: after removing revision 0012 and putting back the views' earlier definitions.
DROP VIEW internal.caller_operation_permissions;
