// SQLite's column types are what strata exchanges (INTEGER microseconds and
// 0/1, TEXT JSON checked by json_valid), so nothing needs converting.
#include "backends/backend_sessions.h"

namespace strata::backends::sqlite {
namespace {

class SqliteDialect : public SqlDialect {
 public:
  std::string Param(FieldType, std::string_view placeholder) const override {
    return std::string(placeholder);
  }
  std::string Column(FieldType, std::string_view column) const override {
    return std::string(column);
  }
  std::string JsonArrayElements(std::string_view placeholder) const override {
    return "SELECT value FROM json_each(" + std::string(placeholder) + ")";
  }
  const char* BeginWrite() const override { return "BEGIN IMMEDIATE"; }
  const char* LockRows() const override { return ""; }
  bool WritesInOneStatement() const override { return false; }
  // Writers wait for the database's one write lock (the busy timeout);
  // readers never wait (WAL).
  const char* SetLockTimeout(bool) const override { return nullptr; }
  const char* TableLockHolders() const override { return nullptr; }
};

}  // namespace

const SqlDialect& Dialect() {
  static const SqliteDialect dialect;
  return dialect;
}

}  // namespace strata::backends::sqlite
