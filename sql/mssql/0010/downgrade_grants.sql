-- scaleout_catalog, SQL Server: after removing revision 0010 and putting back the earlier definitions.
-- ALTER PROCEDURE kept every procedure's grants; [catalog].[execution_parameter_values], dropped and
-- created again from revision 0007's definition, is granted as there.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT SELECT ON [catalog].[execution_parameter_values] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GO
