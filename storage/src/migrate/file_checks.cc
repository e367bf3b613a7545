#include "migrate/file_checks.h"

#include "strata/error.h"

namespace strata::migrate {
namespace {

Statements CheckedStatements(const Migration& m, const std::string& file, std::string_view sql,
                             bool transactional, Backend backend) {
  Statements statements = SplitStatements(sql, backend);
  if (!transactional) return statements;
  for (const SqlChunk& chunk : statements) {
    if (auto why = TransactionRefusal(chunk.text, backend)) {
      throw SchemaError("migration " + Id(m) + " (" + file + ":" + std::to_string(chunk.line) +
                        ") " + *why);
    }
  }
  return statements;
}

}  // namespace

std::string Id(const Migration& m) { return std::to_string(m.version) + " " + m.name; }

Statements UpStatements(const Migration& m, Backend backend) {
  return CheckedStatements(m, m.up_file, m.up_sql, m.transactional, backend);
}

Statements DownStatements(const Migration& m, Backend backend) {
  return CheckedStatements(m, *m.down_file, m.down_sql(), m.down_transactional(), backend);
}

std::vector<std::string> CheckFiles(const std::vector<Migration>& set, Backend backend) {
  std::vector<std::string> problems;
  for (const Migration& m : set) {
    try {
      UpStatements(m, backend);
      if (m.down_file) DownStatements(m, backend);
    } catch (const SchemaError& e) {
      problems.push_back(e.what());
    }
  }
  return problems;
}

}  // namespace strata::migrate
