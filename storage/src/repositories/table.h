// One place per table that owns its row mapping: the columns, the entity
// field each one holds, and how each kind of value crosses each backend.
// Every SQL statement of the repositories is built from these constants at
// store open; values are always bound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "connection/pool.h"
#include "connection/statement.h"
#include "strata/options.h"
#include "strata/timestamp.h"

namespace strata::repositories {

enum class Kind {
  kText,               // TEXT / text
  kJson,               // TEXT CHECK (json_valid) / json; "" is NULL
  kInt,                // INTEGER / bigint
  kBool,               // INTEGER 0/1 / boolean
  kTimestamp,          // INTEGER microseconds / timestamptz
  kOptionalTimestamp,  // the same, NULL when absent
};

template <class E>
struct Field {
  using Member = std::variant<std::string E::*, std::int64_t E::*, bool E::*, Timestamp E::*,
                              std::optional<Timestamp> E::*>;
  const char* column;
  Kind kind;
  Member member;
  // Written by Update and by Upsert's conflict branch. Keys, creation time
  // and the version are not (the version goes up by one instead).
  bool mutable_field = true;
  // A column derived from the entity (the task's family), not read back.
  std::string (*derive)(const E&) = nullptr;
};

// How a value of `kind` is written as parameter `name` and read from `column`.
struct Dialect {
  Backend backend;

  std::string Param(Kind kind, const std::string& name) const {
    if (backend == Backend::kSqlite) return name;
    switch (kind) {
      case Kind::kTimestamp:
      case Kind::kOptionalTimestamp:
        // Exact: the microseconds are an integer interval (PostgreSQL's
        // to_timestamp goes through a double).
        return "(TIMESTAMPTZ 'epoch' + CAST(" + name + " AS bigint) * INTERVAL '1 microsecond')";
      case Kind::kBool:
        return "CAST(CAST(" + name + " AS integer) AS boolean)";
      case Kind::kJson:
        return "CAST(" + name + " AS json)";
      case Kind::kInt:
        return "CAST(" + name + " AS bigint)";
      case Kind::kText:
        break;
    }
    return name;
  }

  std::string Column(Kind kind, const std::string& column) const {
    if (backend == Backend::kSqlite) return column;
    switch (kind) {
      case Kind::kTimestamp:
      case Kind::kOptionalTimestamp:
        // EXTRACT returns numeric (exact) since PostgreSQL 14.
        return "CAST(EXTRACT(EPOCH FROM " + column + ") * 1000000 AS bigint)";
      case Kind::kBool:
        return "CAST(" + column + " AS integer)";
      default:
        return column;
    }
  }

  static connection::Type Exchange(Kind kind) {
    return kind == Kind::kText || kind == Kind::kJson ? connection::Type::kText
                                                      : connection::Type::kInt;
  }
};

inline std::int64_t Micros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

// Binds the field's value of `entity` as the statement's next parameter.
template <class E>
void Bind(connection::Statement& st, const Field<E>& field, const E& entity) {
  if (field.derive != nullptr) {
    st.Text(field.derive(entity));
    return;
  }
  std::visit(
      [&](auto member) {
        const auto& value = entity.*member;
        using V = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<V, std::string>) {
          if (field.kind == Kind::kJson && value.empty()) {
            st.Null();
          } else {
            st.Text(value);
          }
        } else if constexpr (std::is_same_v<V, std::int64_t>) {
          st.Int(value);
        } else if constexpr (std::is_same_v<V, bool>) {
          st.Int(value ? 1 : 0);
        } else if constexpr (std::is_same_v<V, Timestamp>) {
          st.Int(Micros(value));
        } else {
          if (value) {
            st.Int(Micros(*value));
          } else {
            st.Null();
          }
        }
      },
      field.member);
}

// Reads column `index` of the current row into the field of `entity`.
template <class E>
void Read(const connection::Statement& st, std::size_t index, const Field<E>& field, E& entity) {
  std::visit(
      [&](auto member) {
        auto& value = entity.*member;
        using V = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<V, std::string>) {
          value = st.GetText(index);
        } else if constexpr (std::is_same_v<V, std::int64_t>) {
          value = st.GetInt(index);
        } else if constexpr (std::is_same_v<V, bool>) {
          value = st.GetInt(index) != 0;
        } else if constexpr (std::is_same_v<V, Timestamp>) {
          value = FromMicros(st.GetInt(index));
        } else {
          value = st.IsNull(index) ? std::nullopt
                                   : std::optional<Timestamp>(FromMicros(st.GetInt(index)));
        }
      },
      field.member);
}

// A table's columns and the SQL fragments built from them.
template <class E>
class Table {
 public:
  // Every fragment is built here, once per store: the repositories' calls
  // only concatenate their WHERE clauses.
  Table(const char* name, std::vector<Field<E>> fields, Dialect dialect)
      : name_(name), fields_(std::move(fields)), dialect_(dialect) {
    std::string columns, values;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const Field<E>& f = fields_[i];
      const connection::Type type = Dialect::Exchange(f.kind);
      const char* comma = i > 0 ? ", " : "";
      columns += comma + std::string(f.column);
      values += comma + dialect_.Param(f.kind, ":c" + std::to_string(i));
      insert_types_.push_back(type);
      if (f.derive == nullptr) {
        if (!select_list_.empty()) select_list_ += ", ";
        select_list_ += dialect_.Column(f.kind, f.column);
        read_types_.push_back(type);
      }
      if (f.mutable_field) {
        if (!set_mutable_.empty()) {
          set_mutable_ += ", ";
          set_from_excluded_ += ", ";
        }
        set_mutable_ += std::string(f.column) + " = " +
                        dialect_.Param(f.kind, ":u" + std::to_string(mutable_types_.size()));
        set_from_excluded_ += std::string(f.column) + " = excluded." + f.column;
        mutable_types_.push_back(type);
      }
    }
    insert_ = std::string("INSERT INTO ") + name_ + " (" + columns + ") VALUES (" + values + ")";
  }

  const char* name() const { return name_; }
  const Dialect& dialect() const { return dialect_; }
  const std::vector<Field<E>>& fields() const { return fields_; }
  // The columns every read returns, in field order (derived ones left out).
  const std::string& select_list() const { return select_list_; }
  const std::vector<connection::Type>& read_types() const { return read_types_; }

  // INSERT INTO t (all columns) VALUES (:c0, ...); binds with BindAll.
  const std::string& Insert() const { return insert_; }
  const std::vector<connection::Type>& InsertTypes() const { return insert_types_; }
  void BindAll(connection::Statement& st, const E& entity) const {
    for (const Field<E>& f : fields_) Bind(st, f, entity);
  }

  // "a = :u0, b = :u1, ..." over the mutable fields; binds with BindMutable.
  const std::string& SetMutable() const { return set_mutable_; }
  // "a = excluded.a, ..." for an upsert's conflict branch.
  const std::string& SetMutableFromExcluded() const { return set_from_excluded_; }
  const std::vector<connection::Type>& MutableTypes() const { return mutable_types_; }
  void BindMutable(connection::Statement& st, const E& entity) const {
    for (const Field<E>& f : fields_) {
      if (f.mutable_field) Bind(st, f, entity);
    }
  }

  // The current row, into `entity` (in place: a page's rows are read
  // straight into the vector that returns them).
  void ReadRow(const connection::Statement& st, E& entity) const {
    std::size_t index = 0;
    for (const Field<E>& f : fields_) {
      if (f.derive == nullptr) Read(st, index++, f, entity);
    }
  }

 private:
  const char* name_;
  std::vector<Field<E>> fields_;
  Dialect dialect_;
  std::string select_list_, insert_, set_mutable_, set_from_excluded_;
  std::vector<connection::Type> read_types_, insert_types_, mutable_types_;
};

}  // namespace strata::repositories
