// A migration file's statements, checked for what its mode cannot run
// before anything runs.
#pragma once

#include <string>
#include <vector>

#include "migrate/migration_set.h"
#include "migrate/sql_splitter.h"

namespace strata::migrate {

// A file's statements, split once per run: the check before anything runs
// and the run itself use the same split.
using Statements = std::vector<SqlChunk>;

// "3 add_index".
std::string Id(const Migration& m);

// The up file's statements; SchemaError naming file and line when a
// transactional file holds one that cannot run in a transaction.
Statements UpStatements(const Migration& m, Backend backend);
// The same for the down file (read on first use: SchemaError when it
// cannot be read). Requires m.down_file.
Statements DownStatements(const Migration& m, Backend backend);

// Every file of the set checked: one line per problem, naming file and line.
std::vector<std::string> CheckFiles(const std::vector<Migration>& set, Backend backend);

}  // namespace strata::migrate
