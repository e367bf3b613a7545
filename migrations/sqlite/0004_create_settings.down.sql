DROP TABLE strata_settings;
