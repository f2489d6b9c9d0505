-- scaleout_catalog, SQL Server: removes revision 0010. First the system parameters that executions left at
-- their defaults are stored, as revision 0009 expects them; then the earlier definitions are put back and
-- downgrade_cleanup.sql drops what only this revision used.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
INSERT INTO [internal].[execution_parameter_values] ([execution_id], [object_type], [parameter_data_type], [parameter_name],
    [parameter_value], [sensitive], [required], [value_set], [runtime_override])
SELECT a.[execution_id], a.[object_type], a.[parameter_data_type], a.[parameter_name], a.[parameter_value],
       a.[sensitive], a.[required], a.[value_set], a.[runtime_override]
FROM [internal].[all_execution_parameter_values] AS a
WHERE a.[execution_parameter_id] < 0
ORDER BY a.[execution_id], a.[execution_parameter_id] DESC;
GO
