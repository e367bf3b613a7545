-- The statistics of strata's tables go, seeded or measured; ANALYZE measures
-- them again.
DELETE FROM sqlite_stat1 WHERE tbl IN ('clusters', 'services', 'tasks');
