// Splits a migration script into statements the way the database will read
// them, so that each can run on the native handle on its own, errors can name
// a line, and statements that must not run inside a transaction are found
// before anything runs. SOCI's `session << script` cannot do this: on SQLite it
// runs only the first statement, on PostgreSQL it rewrites `:name` inside
// dollar-quoted bodies.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/options.h"

namespace strata::migrate {

// One piece of a script: everything up to and including a top-level ';' (or
// the end of the script). The pieces of a script, concatenated, are the script.
struct SqlChunk {
  std::string_view text;
  std::size_t offset = 0;  // of text in the script
  int line = 1;            // 1-based line of the first code token (or of the chunk start)
  bool has_code = false;   // false for whitespace and comments only
};

// Understands single quotes (with '' escapes), double-quoted identifiers,
// -- and /* */ comments (nested on PostgreSQL), and per dialect:
//  - PostgreSQL: E'' strings with backslash escapes, $tag$ bodies, and
//    BEGIN ATOMIC ... END function bodies;
//  - SQLite: [identifiers], `identifiers`, and CREATE TRIGGER ... BEGIN ... END
//    bodies (with CASE ... END inside).
// Never fails: an unterminated quote or comment runs to the end of the script,
// where the database will report it.
std::vector<SqlChunk> SplitSql(std::string_view script, Backend dialect);

// The statements of a script: the chunks that hold code.
std::vector<SqlChunk> SplitStatements(std::string_view script, Backend dialect);

// The first `count` words of a statement, upper-cased, skipping comments and
// stopping at the first quoted string or ';'.
std::vector<std::string> LeadingWords(std::string_view statement, std::size_t count,
                                      Backend dialect);

// Why a statement must not appear in a transactional migration, with the fix,
// or nullopt when it may. Covers top-level transaction control (BEGIN, COMMIT,
// ...: the runner owns the transaction) and statements the database refuses or
// ignores inside one (CREATE INDEX CONCURRENTLY, VACUUM, PRAGMA foreign_keys, ...).
std::optional<std::string> TransactionRefusal(std::string_view statement, Backend dialect);

}  // namespace strata::migrate
