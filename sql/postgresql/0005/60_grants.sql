-- scaleout_catalog, PostgreSQL, revision 0005: the roles that read the catalog may ask which of them they hold.
GRANT SELECT ON catalog.caller_roles TO ssis_admin, ssis_cluster_executor, ssis_logreader;
