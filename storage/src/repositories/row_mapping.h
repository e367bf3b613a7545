// How a table's rows map to an entity: each column's declaration (schema.cc
// declares them all), and the SQL fragments, binding, reading and input
// checks derived from those declarations once per store. Values are always
// bound; only the declared column names are concatenated into SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "backends/sql_dialect.h"
#include "connection/statement.h"
#include "repositories/checks.h"
#include "repositories/value_rules.h"
#include "strata/fields.h"
#include "strata/timestamp.h"

namespace strata::repositories {

template <class E>
struct Column {
  const char* name;
  FieldType type;
  typename Field<E>::Member member;
  // Written by Update and by Upsert's conflict branch. Keys, creation time
  // and the version are not (the version goes up by one instead).
  bool updatable = true;
  // The entity's field where its name differs from the column's
  // (Task::group is column task_group: GROUP is an SQL keyword).
  const char* field = nullptr;
  // A column computed from the entity (the task's family): no field of its
  // own, written but never read back.
  std::string (*derive)(const E&) = nullptr;
  // What the field accepts beyond valid text or JSON (value_rules.h).
  const ValueRule* rule = nullptr;
  // A field the store computes on every read (a live counter): an SQL
  // expression over the row, which may name the table. No column holds it:
  // it is never written, and what a caller passes is ignored.
  const char* computed = nullptr;

  bool stored() const { return computed == nullptr; }

  std::string_view field_name() const { return field != nullptr ? field : name; }
};

inline std::int64_t Micros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

// Writes the column's value of `entity` as the next value of `sink`: a
// connection::Statement's parameters or a backends::BulkInsert's row.
template <class E, class Sink>
void Bind(Sink& sink, const Column<E>& column, const E& entity) {
  if (column.derive != nullptr) {
    sink.Text(column.derive(entity));
    return;
  }
  std::visit(
      [&](auto member) {
        const auto& value = entity.*member;
        using V = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<V, std::string>) {
          if (column.type == FieldType::kJson && value.empty()) {
            sink.Null();
          } else {
            sink.Text(value);
          }
        } else if constexpr (std::is_same_v<V, std::int64_t>) {
          sink.Int(value);
        } else if constexpr (std::is_same_v<V, bool>) {
          sink.Bool(value);
        } else if constexpr (std::is_same_v<V, Timestamp>) {
          sink.Time(Micros(value));
        } else if (value) {
          sink.Time(Micros(*value));
        } else {
          sink.Null();
        }
      },
      column.member);
}

// Reads column `index` of the current row into the field of `entity`.
template <class E>
void Read(const connection::Statement& st, std::size_t index, const Column<E>& column, E& entity) {
  std::visit(
      [&](auto member) {
        auto& value = entity.*member;
        using V = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<V, std::string>) {
          st.ReadText(index, value);
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
      column.member);
}

inline connection::Type Exchange(FieldType type) {
  return backends::ExchangedAsInteger(type) ? connection::Type::kInt : connection::Type::kText;
}

// A table's columns and the SQL fragments built from them.
template <class E>
class Table {
 public:
  // Every fragment is built here, once per store: the repositories' calls
  // only concatenate their WHERE clauses.
  Table(const char* name, const char* entity, std::vector<Column<E>> columns,
        const backends::SqlDialect& dialect)
      : name_(name), columns_(std::move(columns)), dialect_(dialect) {
    std::string names, values;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const Column<E>& c = columns_[i];
      const connection::Type type = Exchange(c.type);
      what_.push_back(std::string(entity) + " " + std::string(c.field_name()));
      if (c.derive == nullptr) {
        if (!select_list_.empty()) select_list_ += ", ";
        select_list_ += c.stored() ? dialect_.Column(c.type, c.name)
                                   : "(" + std::string(c.computed) + ") AS " + c.name;
        read_types_.push_back(type);
      }
      if (!c.stored()) continue;
      const char* comma = column_names_.empty() ? "" : ", ";
      names += comma + std::string(c.name);
      values += comma + dialect_.Param(c.type, ":c" + std::to_string(i));
      column_names_.emplace_back(c.name);
      insert_types_.push_back(type);
      if (c.updatable) {
        if (!set_updatable_.empty()) {
          set_updatable_ += ", ";
          set_from_excluded_ += ", ";
        }
        set_updatable_ += std::string(c.name) + " = " +
                          dialect_.Param(c.type, ":u" + std::to_string(update_types_.size()));
        set_from_excluded_ += std::string(c.name) + " = excluded." + c.name;
        update_types_.push_back(type);
      }
    }
    insert_ = std::string("INSERT INTO ") + name_ + " (" + names + ") VALUES (" + values + ")";
    insert_select_ = std::string("INSERT INTO ") + name_ + " (" + names + ") SELECT " + values;
  }

  const char* name() const { return name_; }
  const backends::SqlDialect& dialect() const { return dialect_; }
  // The stored columns, in declaration order.
  const std::vector<std::string>& column_names() const { return column_names_; }
  // The columns every read returns, in declaration order (derived ones left
  // out, computed ones as their expression).
  const std::string& select_list() const { return select_list_; }
  const std::vector<connection::Type>& read_types() const { return read_types_; }

  // INSERT INTO t (stored columns) VALUES (:c0, ...); binds with BindAll.
  const std::string& Insert() const { return insert_; }
  const std::vector<connection::Type>& InsertTypes() const { return insert_types_; }
  // INSERT INTO t (stored columns) SELECT :c0, ...: the same row, for a
  // caller to append its FROM and WHERE (kFromCluster); binds with BindAll.
  const std::string& InsertSelect() const { return insert_select_; }
  // Every stored column's value, in order: a Statement of Insert(), or a
  // BulkInsert into column_names().
  template <class Sink>
  void BindAll(Sink& sink, const E& entity) const {
    for (const Column<E>& c : columns_) {
      if (c.stored()) Bind(sink, c, entity);
    }
  }

  // "a = :u0, b = :u1, ..." over the updatable columns; binds with BindUpdatable.
  const std::string& SetUpdatable() const { return set_updatable_; }
  // "a = excluded.a, ..." for an upsert's conflict branch.
  const std::string& SetUpdatableFromExcluded() const { return set_from_excluded_; }
  const std::vector<connection::Type>& UpdateTypes() const { return update_types_; }
  void BindUpdatable(connection::Statement& st, const E& entity) const {
    for (const Column<E>& c : columns_) {
      if (c.updatable) Bind(st, c, entity);
    }
  }

  // The current row, into `entity` (in place: a page's rows are read
  // straight into the vector that returns them).
  void ReadRow(const connection::Statement& st, E& entity) const {
    std::size_t index = 0;
    for (const Column<E>& c : columns_) {
      if (c.derive == nullptr) Read(st, index++, c, entity);
    }
  }

  // Checks every text and JSON field before any SQL runs (CheckText,
  // CheckJson, then the column's rule), naming it as "<entity> <field>".
  // InvalidArgumentError.
  void CheckValues(const E& entity) const {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const Column<E>& c = columns_[i];
      if (c.derive != nullptr) continue;
      if (c.type == FieldType::kText) {
        CheckText(what_[i], entity.*std::get<std::string E::*>(c.member));
      } else if (c.type == FieldType::kJson) {
        CheckJson(what_[i], entity.*std::get<std::string E::*>(c.member));
      }
      if (c.rule != nullptr) {
        CheckRule(what_[i], *c.rule, entity.*std::get<std::string E::*>(c.member));
      }
    }
  }

 private:
  const char* name_;
  std::vector<Column<E>> columns_;
  const backends::SqlDialect& dialect_;
  std::vector<std::string> column_names_;
  std::vector<std::string> what_;  // "<entity> <field>" per column, for CheckValues
  std::string select_list_, insert_, insert_select_, set_updatable_, set_from_excluded_;
  std::vector<connection::Type> read_types_, insert_types_, update_types_;
};

}  // namespace strata::repositories
