-- scaleout_catalog, PostgreSQL: after removing revision 0006 and putting back catalog.object_parameters.
GRANT SELECT ON catalog.object_parameters TO ssis_admin, ssis_cluster_executor, ssis_logreader;
