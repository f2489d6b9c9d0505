-- scaleout_catalog, SQL Server, revision 0010: SSIS's view of an execution's parameter values, with the
-- system parameters it leaves at their defaults (not stored since this revision). Dropped and created
-- again (Babelfish has no ALTER VIEW), then granted as revision 0007 granted it.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP VIEW IF EXISTS [catalog].[execution_parameter_values];
GO
CREATE VIEW [catalog].[execution_parameter_values]
AS
SELECT [execution_parameter_id], [execution_id], [object_type], [parameter_data_type], [parameter_name],
       CASE WHEN [sensitive] = 1 THEN NULL ELSE [parameter_value] END AS [parameter_value],
       [sensitive], [required], [value_set], [runtime_override]
FROM [internal].[all_execution_parameter_values]
WHERE (IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1 OR IS_MEMBER(N'ssis_logreader') = 1
       OR [internal].[check_permission](4, [execution_id], 1) = 1);
GO
GRANT SELECT ON [catalog].[execution_parameter_values] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GO
