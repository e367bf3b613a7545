// The sqlite3 and libpq sides of query_bench: each prepares a statement once
// per SQL text, binds the values strata would bind, and copies every column
// of every row out (text into strings, integers as integers), so that the
// raw side costs what hand-written code on the C API would.
#include "raw_client.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cctype>
#include <charconv>
#include <map>
#include <stdexcept>
#include <string_view>

namespace strata::bench {

std::vector<Placeholder> Placeholders(const std::string& sql) {
  std::vector<Placeholder> names;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\'') quoted = !quoted;
    if (quoted || sql[i] != ':' || (i > 0 && sql[i - 1] == ':') || i + 1 >= sql.size() ||
        !(std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_')) {
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() &&
           (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) {
      ++end;
    }
    names.push_back({sql.substr(i, end - i), i});
    i = end - 1;
  }
  return names;
}

namespace {

class RawSqlite : public Raw {
 public:
  explicit RawSqlite(const std::string& path) {
    // The flags strata opens with (ADR 0014): no per-call mutex.
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite3_exec(db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawSqlite() override {
    for (auto& [sql, st] : statements_) sqlite3_finalize(st.stmt);
    sqlite3_close(db_);
  }

  std::size_t Execute(const std::string& sql, const std::vector<Value>& values) override {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      Prepared p;
      if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &p.stmt, nullptr) !=
          SQLITE_OK) {
        throw std::runtime_error(sqlite3_errmsg(db_));
      }
      for (const Placeholder& placeholder : Placeholders(sql)) {
        p.index.push_back(sqlite3_bind_parameter_index(p.stmt, placeholder.name.c_str()));
      }
      // Hand-written code knows its columns' types: integers are read as
      // integers, not converted to text.
      for (int c = 0; c < sqlite3_column_count(p.stmt); ++c) {
        const char* type = sqlite3_column_decltype(p.stmt, c);
        p.integer.push_back(type != nullptr &&
                            std::string_view(type).find("INT") != std::string_view::npos);
      }
      it = statements_.emplace(sql, p).first;
    }
    sqlite3_stmt* stmt = it->second.stmt;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = it->second.index.at(i);
      if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
        sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* s = std::get_if<std::string>(&values[i])) {
        sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      } else {
        sqlite3_bind_null(stmt, index);
      }
    }
    std::size_t rows = 0;
    int rc;
    const std::vector<bool>& integer = it->second.integer;
    Start(integer.size());
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (std::size_t c = 0; c < integer.size(); ++c) {
        const int column = static_cast<int>(c);
        if (integer[c]) {
          numbers_[c] = sqlite3_column_int64(stmt, column);
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
        Text(c, text != nullptr ? text : "",
             static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
      }
      ++rows;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    if (sqlite3_column_count(stmt) == 0) rows = static_cast<std::size_t>(sqlite3_changes(db_));
    return rows;
  }

  void Exec(const char* sql) override {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
  }

  void Copy(const std::string&, const std::string&) override {
    throw std::logic_error("SQLite has no COPY");
  }

  std::vector<std::string> Texts(const char* sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    std::vector<std::string> texts;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      texts.emplace_back(text != nullptr ? text : "");
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    return texts;
  }

 private:
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> index;
    std::vector<bool> integer;  // per column: declared INTEGER
  };
  sqlite3* db_ = nullptr;
  std::map<std::string, Prepared> statements_;
};

class RawPostgres : public Raw {
 public:
  explicit RawPostgres(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
    Exec("SET TIME ZONE 'UTC'");
  }
  ~RawPostgres() override { PQfinish(conn_); }

  std::size_t Execute(const std::string& sql, const std::vector<Value>& values) override {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      // :name occurrences become $1, $2, ... in order, as SOCI sends them.
      std::string text = sql;
      int n = 0;
      for (const Placeholder& p : Placeholders(sql)) {
        text.replace(text.find(p.name), p.name.size(), "$" + std::to_string(++n));
      }
      const std::string name = "s" + std::to_string(names_.size());
      Check(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
      it = names_.emplace(sql, name).first;
    }
    text_.resize(values.size());
    params_.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
        text_[i] = std::to_string(*n);
        params_[i] = text_[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&values[i])) {
        params_[i] = s->c_str();
      } else {
        params_[i] = nullptr;
      }
    }
    PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params_.size()),
                                 params_.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
      const std::size_t changed = std::stoul(PQcmdTuples(r));
      PQclear(r);
      return changed;
    }
    Check(r, PGRES_TUPLES_OK, false);
    const int rows = PQntuples(r);
    const int columns = PQnfields(r);
    Start(static_cast<std::size_t>(columns));
    for (int i = 0; i < rows; ++i) {
      for (int c = 0; c < columns; ++c) {
        const char* value = PQgetvalue(r, i, c);
        const auto length = static_cast<std::size_t>(PQgetlength(r, i, c));
        const Oid type = PQftype(r, c);
        if (type == kInt8 || type == kInt4 || type == kInt2) {
          // Integers parsed, as hand-written code would.
          std::from_chars(value, value + length, numbers_[static_cast<std::size_t>(c)]);
        } else {
          Text(static_cast<std::size_t>(c), value, length);
        }
      }
    }
    PQclear(r);
    return static_cast<std::size_t>(rows);
  }

  void Exec(const char* sql) override { Check(PQexec(conn_, sql)); }

  void Copy(const std::string& copy, const std::string& data) override {
    Check(PQexec(conn_, copy.c_str()), PGRES_COPY_IN);
    if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 ||
        PQputCopyEnd(conn_, nullptr) != 1) {
      throw std::runtime_error(PQerrorMessage(conn_));
    }
    Check(PQgetResult(conn_));
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  }

  std::vector<std::string> Texts(const char* sql) override {
    PGresult* r = PQexec(conn_, sql);
    Check(r, PGRES_TUPLES_OK, false);
    std::vector<std::string> texts;
    for (int i = 0; i < PQntuples(r); ++i) texts.emplace_back(PQgetvalue(r, i, 0));
    PQclear(r);
    return texts;
  }

 private:
  // Clears `r` unless `clear` is false; throws unless its status is `want`.
  void Check(PGresult* r, ExecStatusType want = PGRES_COMMAND_OK, bool clear = true) {
    const bool ok = PQresultStatus(r) == want;
    if (!ok) {
      const std::string error = PQerrorMessage(conn_);
      PQclear(r);
      throw std::runtime_error(error);
    }
    if (clear) PQclear(r);
  }

  static constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23;  // pg_type OIDs

  PGconn* conn_;
  std::map<std::string, std::string> names_;
  std::vector<std::string> text_;
  std::vector<const char*> params_;
};

}  // namespace

std::unique_ptr<Raw> OpenRaw(Backend backend, const std::string& url) {
  if (backend == Backend::kSqlite) return std::make_unique<RawSqlite>(url);
  return std::make_unique<RawPostgres>(url);
}

}  // namespace strata::bench
