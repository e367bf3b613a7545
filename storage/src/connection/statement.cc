#include "connection/statement.h"

#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>

namespace strata::connection {

Statement::Statement(soci::session& session, const std::string& sql,
                     const std::vector<Type>& params, const std::vector<Type>& columns,
                     std::vector<Statement*>* active)
    : statement_(session), sqlite_(session.get_backend_name() == "sqlite3"), active_(active) {
  for (const Type type : params) {
    Slot& slot = params_.emplace_back();
    slot.type = type;
    if (type == Type::kInt) {
      statement_.exchange(soci::use(slot.integer, slot.indicator));
    } else {
      statement_.exchange(soci::use(slot.text, slot.indicator));
    }
  }
  for (const Type type : columns) {
    Slot& slot = columns_.emplace_back();
    slot.type = type;
    if (type == Type::kInt) {
      statement_.exchange(soci::into(slot.integer, slot.indicator));
    } else {
      statement_.exchange(soci::into(slot.text, slot.indicator));
    }
  }
  statement_.alloc();
  statement_.prepare(sql);
  statement_.define_and_bind();
}

Statement::Slot& Statement::NextParam(Type type) {
  if (next_param_ >= params_.size() || params_[next_param_].type != type) {
    throw std::logic_error("statement parameter " + std::to_string(next_param_ + 1) +
                           " bound with the wrong type or count");
  }
  Slot& slot = params_[next_param_++];
  slot.indicator = soci::i_ok;
  return slot;
}

Statement& Statement::Int(std::int64_t value) {
  NextParam(Type::kInt).integer = value;
  return *this;
}

Statement& Statement::Text(std::string_view value) {
  NextParam(Type::kText).text.assign(value);
  return *this;
}

Statement& Statement::Null() {
  if (next_param_ >= params_.size()) throw std::logic_error("too many statement parameters");
  params_[next_param_++].indicator = soci::i_null;
  return *this;
}

bool Statement::Execute() {
  if (next_param_ != params_.size()) {
    throw std::logic_error("statement executed with " + std::to_string(next_param_) + " of " +
                           std::to_string(params_.size()) + " parameters bound");
  }
  next_param_ = 0;
  if (sqlite_ && active_ != nullptr) active_->push_back(this);
  return statement_.execute(true);
}

void Statement::Finish() {
  if (!sqlite_) return;
  // SOCI resets again before its next execution; a second reset is a no-op.
  sqlite_api::sqlite3_reset(
      static_cast<soci::sqlite3_statement_backend*>(statement_.get_backend())->stmt_);
}

bool Statement::Next() { return statement_.fetch(); }

long long Statement::AffectedRows() { return statement_.get_affected_rows(); }

std::int64_t Statement::GetInt(std::size_t column) const {
  const Slot& slot = columns_.at(column);
  return slot.indicator == soci::i_null ? 0 : slot.integer;
}

const std::string& Statement::GetText(std::size_t column) const {
  static const std::string kEmpty;
  const Slot& slot = columns_.at(column);
  return slot.indicator == soci::i_null ? kEmpty : slot.text;
}

bool Statement::IsNull(std::size_t column) const {
  return columns_.at(column).indicator == soci::i_null;
}

}  // namespace strata::connection
