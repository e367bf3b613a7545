// The conditions a list or count puts on a cluster's rows, and the
// statement texts built once per shape of call: a count is one small row,
// so building its SQL for every call was a third of its instructions
// (ADR 0022).
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cassert>
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

// One condition a repository's lists and counts may put on its rows:
// " AND <sql>", followed by " = :fN" when it takes a value.
struct FilterTerm {
  const char* sql;
  bool valued;
};

// A repository's conditions, in a fixed order: a term's index is its bit
// in a filter's shape. Built at compile time from a static array.
class FilterTerms {
 public:
  static constexpr std::size_t kMax = 8;

  template <std::size_t N>
  constexpr explicit FilterTerms(const FilterTerm (&terms)[N]) : terms_(terms), size_(N) {
    static_assert(N <= kMax, "more filter terms than FilterTerms::kMax");
    for (std::size_t i = 0; i < N; ++i) valued_ |= std::uint32_t{terms[i].valued} << i;
  }

  std::size_t size() const { return size_; }
  const FilterTerm& operator[](std::size_t i) const { return terms_[i]; }
  // The bits of the terms that take a value.
  std::uint32_t valued() const { return valued_; }

 private:
  const FilterTerm* terms_;
  std::size_t size_;
  std::uint32_t valued_ = 0;
};

// The terms of one call that apply, and the values they bind. Which ones
// apply is the filter's shape: calls with the same shape have the same SQL,
// so a repository keeps it per shape (SqlVariants) and only binds the values.
// Each term is set by its index into the repository's FilterTerms, so the
// SQL and the binding order both follow the table, whatever the order of
// the calls.
class Filters {
 public:
  static constexpr std::size_t kMaxTerms = FilterTerms::kMax;
  static constexpr std::size_t kShapes = std::size_t{1} << kMaxTerms;

  // The values are left uninitialised: only the terms set are read. A count
  // is the hottest read path, and this object is built for every call. Not
  // copied, so no uninitialised slot is ever read.
  explicit Filters(const FilterTerms& terms) : terms_(terms) {}  // NOLINT: arrays not zeroed
  Filters(const Filters&) = delete;
  Filters& operator=(const Filters&) = delete;

  // Valued term `index` applies when `value` is not empty. `value` is
  // bound, not copied: it must outlive the filter. A wrong index is a
  // programming error, asserted (the tests run a debug build): on the
  // count's path a check per term was a third of the term's cost.
  void Set(std::size_t index, std::string_view value) {
    assert(index < terms_.size() && terms_[index].valued);
    data_[index] = value.data();
    sizes_[index] = value.size();
    shape_ |= std::uint32_t{!value.empty()} << index;
  }
  // Term `index`, which takes no value, applies when `applies`.
  void SetIf(std::size_t index, bool applies) {
    assert(index < terms_.size() && !terms_[index].valued);
    shape_ |= std::uint32_t{applies} << index;
  }

  std::size_t shape() const { return shape_; }
  // The values to bind.
  std::size_t size() const { return kBits[bound()]; }
  // The `i`th value to bind, in the order of the terms.
  std::string_view value(std::size_t i) const {
    std::uint32_t bits = bound();
    for (; i > 0 && bits != 0; --i) bits &= bits - 1;
    if (bits == 0) throw std::out_of_range("no such filter value");
    const int at = std::countr_zero(bits);
    return {data_[at], sizes_[at]};
  }

  // The conditions that apply, each as " AND ...", numbered in order.
  std::string Sql() const {
    std::string sql;
    std::size_t bound = 0;
    for (std::size_t i = 0; i < terms_.size(); ++i) {
      if ((shape_ & (1U << i)) == 0) continue;
      sql.append(" AND ").append(terms_[i].sql);
      if (terms_[i].valued) sql.append(" = :f").append(std::to_string(bound++));
    }
    return sql;
  }

  // Binds the cluster, then the values (a cluster match precedes Sql()).
  void Bind(connection::Statement& st, std::string_view cluster) const {
    st.Text(cluster);
    for (std::uint32_t bits = bound(); bits != 0; bits &= bits - 1) {
      const int at = std::countr_zero(bits);
      st.Text({data_[at], sizes_[at]});
    }
  }

 private:
  std::uint32_t bound() const { return shape_ & terms_.valued(); }

  // The bits set in each shape: std::popcount is a call into libgcc
  // without -mpopcnt, a third of a count's filter cost.
  static constexpr std::array<std::uint8_t, kShapes> kBits = [] {
    std::array<std::uint8_t, kShapes> bits{};
    for (std::size_t i = 1; i < kShapes; ++i)
      bits[i] = static_cast<std::uint8_t>(bits[i / 2] + i % 2);
    return bits;
  }();
  const FilterTerms& terms_;
  std::uint32_t shape_ = 0;
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
