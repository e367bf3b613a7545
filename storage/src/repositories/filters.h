// The conditions a list or count puts on a cluster's rows, and the
// statement texts built once per shape of call: a count is one small row,
// so building its SQL for every call was a third of its instructions
// (ADR 0022).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "connection/connection.h"
#include "connection/statement.h"

namespace strata::repositories {

// Conditions in the order they are added: "AND column = :fN" for each
// column given a value, and fixed conditions where they apply. Which ones
// apply is the filter's shape: calls that add the same conditions in the
// same order have the same SQL for the same shape, so a repository keeps
// it per shape (SqlVariants) and only binds the values.
class Filters {
 public:
  static constexpr std::size_t kMaxTerms = 8;
  static constexpr std::size_t kShapes = std::size_t{1} << kMaxTerms;

  // Left uninitialised: only the terms added are read. A count is the
  // hottest read path, and this object is built for every call. Not
  // copied, so no uninitialised slot is ever read.
  Filters() {}  // NOLINT: not = default, which would zero the arrays
  Filters(const Filters&) = delete;
  Filters& operator=(const Filters&) = delete;

  // "AND column = :fN" when `value` is not empty. `value` is bound, not
  // copied: it must outlive the filter.
  void Add(const char* column, std::string_view value) {
    // Without a branch: the slot past the last value is written and left.
    const bool applies = !value.empty();
    Term(column, applies, true);
    data_[count_] = value.data();
    sizes_[count_] = value.size();
    count_ += applies ? 1 : 0;
  }
  // "AND condition" when `applies`.
  void AddIf(const char* condition, bool applies) { Term(condition, applies, false); }

  std::size_t shape() const { return shape_; }
  std::size_t size() const { return count_; }  // the values to bind
  std::string_view value(std::size_t i) const { return {data_[i], sizes_[i]}; }

  // The conditions that apply, each as " AND ...".
  std::string Sql() const {
    std::string sql;
    std::size_t bound = 0;
    for (std::size_t i = 0; i < terms_; ++i) {
      if ((shape_ & (1U << i)) == 0) continue;
      sql.append(" AND ").append(text_[i]);
      if (valued_[i]) sql.append(" = :f").append(std::to_string(bound++));
    }
    return sql;
  }

  // Binds the cluster, then the values (a cluster match precedes Sql()).
  void Bind(connection::Statement& st, std::string_view cluster) const {
    st.Text(cluster);
    for (std::size_t i = 0; i < count_; ++i) st.Text(value(i));
  }

 private:
  void Term(const char* text, bool applies, bool valued) {
    if (terms_ == kMaxTerms) throw std::logic_error("more filter terms than Filters::kMaxTerms");
    text_[terms_] = text;
    valued_[terms_] = valued;
    shape_ |= static_cast<std::uint32_t>(applies) << terms_;
    ++terms_;
  }

  // 32-bit counters: a store of a pointer or size_t cannot alias them, so
  // the compiler keeps them in registers across a run of Adds.
  std::uint32_t terms_ = 0, count_ = 0, shape_ = 0;
  const char* text_[kMaxTerms];
  bool valued_[kMaxTerms];
  const char* data_[kMaxTerms];
  std::size_t sizes_[kMaxTerms];
};

// Statement texts indexed by a call's shape, each built on its first use
// and then read by every thread without a lock (a second thread that
// builds the same one at the same time keeps the first's). Each keeps its
// id (connection::StatementText): a statement prepared from it is found
// by the id.
class SqlVariants {
 public:
  explicit SqlVariants(std::size_t size) : slots_(size) {}
  ~SqlVariants() {
    for (const auto& slot : slots_) delete slot.load();
  }
  SqlVariants(const SqlVariants&) = delete;
  SqlVariants& operator=(const SqlVariants&) = delete;

  // The text at `index`, built by `build()` the first time.
  template <class Build>
  const connection::StatementText& Get(std::size_t index, const Build& build) const {
    std::atomic<const connection::StatementText*>& slot = slots_.at(index);
    const connection::StatementText* text = slot.load(std::memory_order_acquire);
    if (text != nullptr) return *text;
    auto made = std::make_unique<const connection::StatementText>(build());
    if (slot.compare_exchange_strong(text, made.get(), std::memory_order_acq_rel)) {
      return *made.release();
    }
    return *text;  // another thread's, stored first
  }

 private:
  mutable std::vector<std::atomic<const connection::StatementText*>> slots_;
};

// `n` text parameters: the types of a statement that binds a cluster and
// filter values, without a vector built for each call.
inline const std::vector<connection::Type>& TextParams(std::size_t n) {
  static const std::array<std::vector<connection::Type>, Filters::kMaxTerms + 2> kTexts = [] {
    std::array<std::vector<connection::Type>, Filters::kMaxTerms + 2> texts;
    for (std::size_t i = 0; i < texts.size(); ++i) texts[i].assign(i, connection::Type::kText);
    return texts;
  }();
  return kTexts.at(n);
}

}  // namespace strata::repositories
