-- scaleout_catalog, PostgreSQL: after removing revision 0013 and putting back the views' earlier definitions.
DROP FUNCTION internal.caller_readable_folders();
DROP FUNCTION internal.caller_readable_environments();
DROP FUNCTION internal.caller_readable_projects();
DROP VIEW internal.caller_environment_permissions;
DROP VIEW internal.caller_project_permissions;
DROP VIEW internal.caller_folder_permissions;
