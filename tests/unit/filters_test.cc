// Filters (a list's or count's conditions, and their shape), SqlVariants
// (statement texts built once per shape, shared by threads) and
// base::FunctionRef (the repositories' work, called without a copy).
#include "repositories/filters.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/function_ref.h"

namespace strata::repositories {
namespace {

// Literals: a filter binds its values without copying them. A Filters is
// not copied, so the tests build theirs in place, as the repositories do.
constexpr FilterTerm kTermList[] = {
    {"family", true}, {"desired_status", true}, {"status <> 'INACTIVE'", false}};
constexpr FilterTerms kTerms(kTermList);

struct TaskLike {
  TaskLike(const char* family, const char* status, bool live) {
    f.Set(0, family);
    f.Set(1, status);
    f.SetIf(2, live);
  }
  std::string Sql() const { return f.Sql(); }
  Filters f{kTerms};
};

TEST(FiltersTest, OnlyTheConditionsThatApplyAreInTheSqlNumberedInOrder) {
  EXPECT_EQ(TaskLike("", "", false).Sql(), "");
  EXPECT_EQ(TaskLike("web", "", false).Sql(), " AND family = :f0");
  EXPECT_EQ(TaskLike("", "RUNNING", false).Sql(), " AND desired_status = :f0");
  EXPECT_EQ(TaskLike("web", "RUNNING", true).Sql(),
            " AND family = :f0 AND desired_status = :f1 AND status <> 'INACTIVE'");
  const TaskLike built("web", "RUNNING", true);
  const Filters& f = built.f;
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f.value(0), "web");
  EXPECT_EQ(f.value(1), "RUNNING");
  EXPECT_THROW(f.value(2), std::out_of_range);
  const TaskLike second_only("", "STOPPED", true);
  ASSERT_EQ(second_only.f.size(), 1U);
  EXPECT_EQ(second_only.f.value(0), "STOPPED") << "values follow the terms that apply";
}

TEST(FiltersTest, TheTableNotTheOrderOfTheCallsOrdersTheSqlAndTheValues) {
  Filters f(kTerms);
  f.SetIf(2, true);
  f.Set(1, "RUNNING");
  f.Set(0, "web");
  EXPECT_EQ(f.Sql(), TaskLike("web", "RUNNING", true).Sql());
  EXPECT_EQ(f.shape(), TaskLike("web", "RUNNING", true).f.shape());
  EXPECT_EQ(f.value(0), "web");
  EXPECT_EQ(f.value(1), "RUNNING");
}

TEST(FiltersTest, TheShapeTellsApartEveryCombinationAndOnlyThat) {
  std::set<std::size_t> shapes;
  for (const char* family : {"", "web", "api"}) {
    for (const char* status : {"", "RUNNING", "STOPPED"}) {
      for (const bool live : {false, true}) {
        const TaskLike built(family, status, live);
        const Filters& f = built.f;
        shapes.insert(f.shape());
        EXPECT_LT(f.shape(), Filters::kShapes);
        // Same shape, same SQL: what lets a repository keep one per shape.
        EXPECT_EQ(f.Sql(), TaskLike(*family ? "x" : "", *status ? "y" : "", live).Sql());
      }
    }
  }
  EXPECT_EQ(shapes.size(), 8U);  // 2 x 2 x 2: the values themselves do not count
}

TEST(FiltersTest, ATermOutsideTheTableOrOfTheOtherKindIsAProgrammingError) {
  EXPECT_EQ(kTerms.valued(), 0b011U);
  // Asserted: the tests run a debug build.
  EXPECT_DEBUG_DEATH(Filters(kTerms).Set(3, "v"), "index < terms_.size");
  EXPECT_DEBUG_DEATH(Filters(kTerms).SetIf(3, true), "index < terms_.size");
  EXPECT_DEBUG_DEATH(Filters(kTerms).Set(2, "v"), "valued");     // term 2 takes no value
  EXPECT_DEBUG_DEATH(Filters(kTerms).SetIf(0, true), "valued");  // term 0 takes one
}

TEST(SqlVariantsTest, EachTextIsBuiltOnceAndKept) {
  SqlVariants variants(4);
  int builds = 0;
  const connection::StatementText& first =
      variants.Get(2, [&] { return std::to_string(++builds); });
  const connection::StatementText& again =
      variants.Get(2, [&] { return std::to_string(++builds); });
  EXPECT_EQ(&first, &again);
  EXPECT_EQ(first.sql(), "1");
  const connection::StatementText& other = variants.Get(3, [&] { return std::string("1"); });
  EXPECT_EQ(other.sql(), "1");
  EXPECT_NE(other.id(), first.id()) << "each text has an id of its own, even for equal SQL";
  EXPECT_THROW(variants.Get(4, [] { return std::string(); }), std::out_of_range);
}

TEST(SqlVariantsTest, ThreadsRacingForOneTextAllGetTheSameOne) {
  for (int round = 0; round < 20; ++round) {
    SqlVariants variants(1);
    std::atomic<int> ready{0};
    std::vector<const connection::StatementText*> got(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < static_cast<int>(got.size())) {
        }
        got[t] = &variants.Get(0, [t] { return "built by " + std::to_string(t); });
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (const connection::StatementText* text : got) EXPECT_EQ(text, got[0]);
    EXPECT_EQ(got[0]->sql().rfind("built by ", 0), 0U);
  }
}

TEST(TextParamsTest, NTextParameters) {
  EXPECT_TRUE(TextParams(0).empty());
  EXPECT_EQ(TextParams(3), std::vector<connection::Type>(3, connection::Type::kText));
}

int Twice(base::FunctionRef<int(int)> f) { return f(f(1)); }

TEST(FunctionRefTest, CallsTheCallableItRefersToWithItsState) {
  int calls = 0;
  const int added = 5;
  EXPECT_EQ(Twice([&](int x) {
              ++calls;
              return x + added;
            }),
            11);
  EXPECT_EQ(calls, 2);
  const auto doubled = [](int x) { return 2 * x; };
  EXPECT_EQ(Twice(doubled), 4);
}

}  // namespace
}  // namespace strata::repositories
