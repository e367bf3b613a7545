#include "migrate/verify.h"

#include <algorithm>

#include "migrate/apply.h"
#include "migrate/file_checks.h"
#include "migrate/ledger.h"
#include "strata/error.h"

namespace strata {

std::string VerifyResult::Describe() const {
  if (!problem) {
    return "every migration round-trips (" + std::to_string(verified.size()) + " verified)";
  }
  const Problem& p = *problem;
  const std::string id = "migration " + std::to_string(p.version) + " " + p.name;
  const auto shown = [](const std::string& definition) {
    return definition.empty() ? std::string("absent") : definition;
  };
  switch (p.kind) {
    case Problem::Kind::kNoDownFile:
      return id + " has no down file, so it cannot be reverted: add " + std::to_string(p.version) +
             "_" + p.name + ".down.sql";
    case Problem::Kind::kDownDiffers:
      return id + ": its down does not restore the schema from before it: " + p.object + " was " +
             shown(p.expected) + " before " + std::to_string(p.version) + ", and is " +
             shown(p.found) + " after its down";
    case Problem::Kind::kUpAgainDiffers:
      break;
  }
  return id + ": applied again after its down, it gives another schema: " + p.object + " was " +
         shown(p.expected) + " after the first apply, and is " + shown(p.found) +
         " after the second";
}

}  // namespace strata

namespace strata::migrate {
namespace {

using Problem = VerifyResult::Problem;

// The first object (in order) whose definition differs between `expected`
// and `found`, with both ("" where absent).
std::optional<Problem> Difference(const Catalog& expected, const Catalog& found) {
  auto e = expected.begin();
  auto f = found.begin();
  while (e != expected.end() || f != found.end()) {
    Problem p;
    if (f == found.end() || (e != expected.end() && e->first < f->first)) {
      p.object = e->first;
      p.expected = e->second.empty() ? "present" : e->second;
      return p;
    }
    if (e == expected.end() || f->first < e->first) {
      p.object = f->first;
      p.found = f->second.empty() ? "present" : f->second;
      return p;
    }
    if (e->second != f->second) {
      p.object = e->first;
      p.expected = e->second;
      p.found = f->second;
      return p;
    }
    ++e;
    ++f;
  }
  return std::nullopt;
}

}  // namespace

Catalog ReadCatalog(connection::Connection& db) {
  using connection::Type;
  Catalog catalog;
  connection::Statement& st = db.Prepare(db.dialect().Catalog(), {}, {Type::kText, Type::kText});
  for (bool more = st.Execute(); more; more = st.Next()) {
    catalog.emplace(st.GetText(0), st.GetText(1));
  }
  st.Finish();
  return catalog;
}

VerifyResult VerifySet(connection::Connection& db, const std::vector<Migration>& set,
                       std::optional<std::int64_t> to, const MigratorOptions& options,
                       const std::atomic<bool>& cancelled) {
  std::vector<const Migration*> order;
  for (const Migration& m : set) {
    if (!to || m.version <= *to) order.push_back(&m);
  }
  std::sort(order.begin(), order.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  // Every file checked before anything runs, as up and down check them.
  std::vector<Statements> ups, downs;
  for (const Migration* m : order) {
    ups.push_back(UpStatements(*m, db.backend()));
    downs.push_back(m->down_file ? DownStatements(*m, db.backend()) : Statements{});
  }
  Applier applier(
      db, [](const MigrationEvent&) {}, options, cancelled);
  Ledger(db).Create();
  const auto check_cancel = [&] {
    if (cancelled) throw Error("verify was cancelled");
  };
  std::vector<Catalog> before, after;
  for (std::size_t i = 0; i < order.size(); ++i) {
    check_cancel();
    before.push_back(ReadCatalog(db));
    applier.Apply(*order[i], ups[i], 0);
    after.push_back(ReadCatalog(db));
  }
  VerifyResult result;
  for (std::size_t i = order.size(); i-- > 0;) {
    check_cancel();
    const Migration& m = *order[i];
    const auto fail = [&](Problem p, Problem::Kind kind) {
      p.kind = kind;
      p.version = m.version;
      p.name = m.name;
      result.problem = std::move(p);
    };
    if (!m.down_file) {
      fail({}, Problem::Kind::kNoDownFile);
      break;
    }
    applier.Revert(m, downs[i]);
    if (auto p = Difference(before[i], ReadCatalog(db))) {
      fail(std::move(*p), Problem::Kind::kDownDiffers);
      break;
    }
    applier.Apply(m, ups[i], 0);
    if (auto p = Difference(after[i], ReadCatalog(db))) {
      fail(std::move(*p), Problem::Kind::kUpAgainDiffers);
      break;
    }
    applier.Revert(m, downs[i]);
    result.verified.push_back(m.version);
  }
  return result;
}

}  // namespace strata::migrate
