-- scaleout_catalog, PostgreSQL, revision 0010: SSIS's view of an execution's parameter values, with the
-- system parameters it leaves at their defaults (not stored since this revision).
CREATE OR REPLACE VIEW catalog.execution_parameter_values AS
SELECT execution_parameter_id, execution_id, object_type, parameter_data_type, parameter_name,
       CASE WHEN sensitive THEN NULL ELSE parameter_value END AS parameter_value,
       sensitive, required, value_set, runtime_override
FROM internal.all_execution_parameter_values
WHERE ((SELECT internal.caller_reads_catalog()) OR internal.check_permission(4, execution_id, 1));
