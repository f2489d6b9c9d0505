-- scaleout_catalog, PostgreSQL: the end of removing revision 0010, once the earlier definitions are back.
DROP VIEW IF EXISTS internal.all_execution_parameter_values;
DROP VIEW IF EXISTS internal.system_parameter_defaults;
ALTER TABLE internal.executions DROP COLUMN IF EXISTS logging_level;
