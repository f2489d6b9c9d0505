-- scaleout_catalog, PostgreSQL: removes revision 0002. What it redefined is put back from 0001 after this.
DROP FUNCTION IF EXISTS internal.get_held_tasks(uuid);
DROP FUNCTION IF EXISTS internal.require_json_array(text, text, text);
DROP FUNCTION IF EXISTS internal.require_valid_name(text, text, integer);
DROP FUNCTION IF EXISTS internal.take_pulse();
DROP FUNCTION IF EXISTS internal.has_control_characters(text, boolean);
DROP TABLE IF EXISTS internal.catalog_pulse;
