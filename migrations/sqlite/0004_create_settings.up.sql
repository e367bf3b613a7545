-- Store-wide values, e.g. the key that signs page tokens (created by the store
-- on first open, so that every replica of a control plane accepts the
-- tokens of the others).
CREATE TABLE strata_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
