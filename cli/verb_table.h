// The verb table behind `strata cluster|service|task ...` (docs/cli.md): each
// verb is one entry that gives its synopsis, flags, help, examples and what it
// runs, so that parsing, `--help` and the docs cannot drift apart. Parsing,
// help and dispatch are in verb_table.cc; each resource's verbs are in its own
// file (cluster_commands.cc, service_commands.cc, task_commands.cc).
#pragma once

#include <boost/program_options/variables_map.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "app.h"
#include "command.h"
#include "render.h"
#include "strata/error.h"
#include "strata/store.h"

namespace strata::cli {

// How often an update without --expected-version re-reads and re-applies its
// change when another writer got in between.
inline constexpr int kUpdateAttempts = 5;

struct Flag {
  const char* name;
  const char* value_name;  // nullptr: a switch
  const char* help;
};

struct Invocation;

struct Verb {
  const char* name;
  const char* synopsis;    // after "strata <resource> <verb>"
  const char* summary;     // one line
  const char* positional;  // "NAME", "NAME|ARN", ... or nullptr
  std::vector<Flag> flags;
  std::vector<const char*> examples;
  std::function<void(Invocation&)> run;
};

struct Resource {
  const char* name;
  const char* summary;
  std::vector<Verb> verbs;
};

// A parsed command line of one verb, and the store it runs against.
struct Invocation {
  const GlobalOptions& options;
  const Resource& resource;
  const Verb& verb;
  boost::program_options::variables_map flags;
  std::string target;  // the positional argument
  std::ostream& out;
  std::ostream& err;
  std::unique_ptr<Store> store_;

  Store& store() {
    if (!store_) store_ = Store::Open(options.store);
    return *store_;
  }
  // What get, list and count read through: the read URL's server when one
  // is given (--read-database-url), which a single command's reads may use
  // (it made no write they must see).
  Repositories& reads() { return store().replicas(); }
  bool Has(const char* name) const { return flags.count(name) != 0 && !flags[name].defaulted(); }
  std::string Text(const char* name, std::string fallback = "") const {
    return Has(name) ? flags[name].as<std::string>() : fallback;
  }
  bool Switch(const char* name) const { return flags.count(name) != 0 && flags[name].as<bool>(); }
  std::string Required(const char* name) const {
    if (!Has(name)) {
      throw UsageError(std::string(resource.name) + " " + verb.name + " needs --" + name);
    }
    return Text(name);
  }
  std::optional<std::int64_t> Integer(const char* name, std::int64_t min, std::int64_t max) const {
    if (!Has(name)) return std::nullopt;
    const std::string text = Text(name);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      throw UsageError("--" + std::string(name) + " must be an integer from " +
                       std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
  }
  std::string cluster() const { return Required("cluster"); }
  // A required age: a whole number and a unit ("12h", "7d"), up to a century.
  std::chrono::seconds Age(const char* name) const {
    using std::chrono::hours;
    try {
      return std::chrono::duration_cast<std::chrono::seconds>(
          ParseDuration("--" + std::string(name), Required(name), hours(0), hours(24 * 36600),
                        /*unit_required=*/true));
    } catch (const InvalidArgumentError& e) {
      throw UsageError(e.what());
    }
  }

  PageRequest Page() const {
    PageRequest page;
    page.limit = static_cast<int>(Integer("limit", 1, PageRequest::kMaxLimit).value_or(page.limit));
    page.next_token = Text("next-token");
    return page;
  }

  // Prints a list; with --all, follows next tokens, printing each page as
  // it arrives (ListPrinter), so that memory holds one page, not the list:
  // `fetch(request, page)` reads each into the same page (ListInto). A page
  // that fails after others were printed leaves them printed (an unfinished
  // JSON document) and fails the command.
  template <class E, class Fetch>
  void List(Fetch fetch) {
    PageRequest page = Page();
    ListPrinter<E> printer(options, out, err);
    strata::Page<E> result;
    for (;;) {
      fetch(page, result);
      printer.Page(result.items);
      if (!Switch("all") || result.next_token.empty()) {
        printer.End(result.next_token);
        return;
      }
      page.next_token = result.next_token;
    }
  }

  // What a delete left: the resource's ARN and its status now (INACTIVE,
  // or DRAINING for a service whose tasks are still stopping).
  // ("" for a task: it is gone).
  void Deleted(const std::string& arn, const std::string& status = "") {
    if (options.output == OutputFormat::kJson) {
      json result{{"deleted", arn}};
      if (!status.empty()) result["status"] = status;
      out << result.dump(2) << "\n";
    } else {
      out << "deleted " << arn << (status.empty() ? "" : " (now " + status + ")") << "\n";
    }
  }
};

// Re-reads the resource and applies `change` until the update lands. With
// --expected-version the caller's version is used once: a stale one is a
// ConflictError (exit 4).
template <class E>
E UpdateWithRetry(const Invocation& in, const std::function<E()>& find,
                  const std::function<bool(E&)>& change, const std::function<E(const E&)>& update) {
  const std::optional<std::int64_t> expected =
      in.Integer("expected-version", 1, std::numeric_limits<std::int64_t>::max());
  for (int attempt = 1;; ++attempt) {
    E current = find();  // NotFoundError when it is gone
    if (expected) current.version = *expected;
    if (!change(current)) return current;  // nothing to change
    try {
      return update(current);
    } catch (const ConflictError&) {
      if (expected || attempt == kUpdateAttempts) throw;
    }
  }
}

// Flags that several verbs share.
inline constexpr Flag kLimit{"limit", "N", "rows per page, 1-1000 (default 100)"};
inline constexpr Flag kNextToken{"next-token", "T",
                                 "continue a list where the previous page ended"};
inline constexpr Flag kAll{"all", nullptr, "follow next tokens and print every row"};
inline constexpr Flag kIncludeInactive{"include-inactive", nullptr,
                                       "also list deleted (INACTIVE) ones"};
inline constexpr Flag kExpectedVersion{
    "expected-version", "V",
    "fail with exit 4 unless the stored version is V (optimistic lock); "
    "without it the change is applied to the current version"};
inline constexpr Flag kCluster{"cluster", "C", "the cluster's name or ARN (required)"};

// The library's words for a missing cluster, with where to look.
inline constexpr const char* kClusterNotFound =
    "cluster not found: check its name or ARN ('strata cluster list')";

// A service or task that is not there: says whether its cluster is missing.
[[noreturn]] void NotFoundInCluster(Invocation& in, const std::string& what,
                                    const std::string& key);

// The verbs of each resource (cluster_commands.cc, service_commands.cc,
// task_commands.cc).
Resource ClusterResource();
Resource ServiceResource();
Resource TaskResource();

}  // namespace strata::cli
