#include "connection/statement.h"

#include <stdexcept>

namespace strata::connection {
namespace {

// Out of line, so that the executing path builds no strings.
[[noreturn, gnu::noinline, gnu::cold]] void ThrowUnbound(std::size_t bound, std::size_t params) {
  throw std::logic_error("statement executed with " + std::to_string(bound) + " of " +
                         std::to_string(params) + " parameters bound");
}

}  // namespace

void CopyIntoResized(std::string_view text, std::string& into) {
  if (text.size() > into.capacity()) {
    into = std::string(text);  // a new buffer either way: built, not replaced
  } else {
    into.assign(text.data(), text.size());
  }
}

Statement::Statement(backends::NativeConnection& native, const std::string& sql,
                     const std::vector<Type>& params, const std::vector<Type>& columns,
                     std::vector<Statement*>* active)
    : prepared_(native.Prepare(sql, params.size())),
      params_(params.size()),
      columns_(columns.size()),
      active_(active) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    params_[i].integer = params[i] == Type::kInt;
  }
}

void Statement::ThrowWrongParam() const {
  throw std::logic_error("statement parameter " + std::to_string(next_param_ + 1) +
                         " bound with the wrong type or count");
}

Statement& Statement::Null() {
  if (next_param_ >= params_.size()) throw std::logic_error("too many statement parameters");
  params_[next_param_++].null = true;
  return *this;
}

void Statement::RequireAllBound() {
  if (next_param_ != params_.size()) ThrowUnbound(next_param_, params_.size());
  next_param_ = 0;
}

bool Statement::Execute() {
  RequireAllBound();
  if (active_ != nullptr) active_->push_back(this);
  return prepared_->Execute(params_);
}

backends::BatchStep Statement::InBatch() {
  RequireAllBound();
  return {{}, prepared_.get(), &params_};
}

bool Statement::Next() { return prepared_->Next(); }

long long Statement::AffectedRows() { return prepared_->AffectedRows(); }

void Statement::Finish() {
  prepared_->Finish();
  // Finished: FinishActive need not again (the last executed, mostly).
  if (active_ != nullptr && !active_->empty() && active_->back() == this) active_->pop_back();
}

void Statement::ThrowColumn(std::size_t column) const {
  throw std::out_of_range("statement column " + std::to_string(column) + " of " +
                          std::to_string(columns_));
}

}  // namespace strata::connection
