#include "connection/connection.h"

namespace strata::connection {

Connection::Connection(backends::Session session) : session_(std::move(session)) {}

Connection::~Connection() {
  by_id_.clear();
  statements_.clear();
}

Statement& Connection::Prepare(const std::string& sql, const std::vector<Type>& params,
                               const std::vector<Type>& columns) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    // SQL text only: values are always bound, never part of it.
    if (session_.logger) (*session_.logger)(LogLevel::kDebug, "prepared: " + sql);
    it = statements_
             .emplace(sql,
                      std::make_unique<Statement>(*session_.native, sql, params, columns, &active_))
             .first;
  }
  return *it->second;
}

Statement& Connection::PrepareText(const StatementText& text, const std::vector<Type>& params,
                                   const std::vector<Type>& columns) {
  Statement& statement = Prepare(text.sql(), params, columns);
  by_id_.emplace(text.id(), &statement);
  return statement;
}

void Connection::EndBulkWrite() noexcept {
  try {
    session_.native->SetBulkTransaction(false);
  } catch (...) {  // NOLINT(bugprone-empty-catch): BeginWrite sets it again
  }
}

void Connection::FinishEachActive() {
  for (Statement* statement : active_) statement->Finish();
  active_.clear();
}

}  // namespace strata::connection
