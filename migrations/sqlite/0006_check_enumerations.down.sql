-- Reverts 0006: the enumeration triggers go; the data is untouched.
DROP TRIGGER tasks_check_enumerations_update;
DROP TRIGGER tasks_check_enumerations_insert;
DROP TRIGGER services_check_enumerations_update;
DROP TRIGGER services_check_enumerations_insert;
DROP TRIGGER clusters_check_enumerations_update;
DROP TRIGGER clusters_check_enumerations_insert;
