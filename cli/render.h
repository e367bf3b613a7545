// How the CLI prints clusters, services and tasks: the library's field
// description (strata/fields.h) serves the JSON document (docs/cli.md), the
// `get` listing and the list tables, so a new field is printed everywhere.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app.h"
#include "strata/entities.h"

namespace strata::cli {

using json = nlohmann::ordered_json;

// The contract's resource object: snake_case struct fields in struct order,
// timestamps RFC 3339 UTC with microseconds, absent optional values null.
// JSON fields are embedded as JSON values (null when absent), so that
// `jq .tags` sees the document the caller stored.
template <class E>
json ToJson(const E& resource);

// One resource: the JSON object, or "field  value" lines for people.
template <class E>
void PrintResource(const GlobalOptions& options, const E& resource, std::ostream& out);

// A list: {"items": [...], "next_token": "..."}, or an aligned table with the
// columns people scan first (`get` shows every field). In a table, a
// next_token is a hint on `err` so that stdout holds only rows.
template <class E>
void PrintList(const GlobalOptions& options, const std::vector<E>& items,
               const std::string& next_token, std::ostream& out, std::ostream& err);

// A list printed page by page as the pages arrive (`list --all`), holding
// one page at a time. The JSON is the document PrintList would print for
// all the items together, byte for byte. The table's columns are as wide as
// the first page needs (so one page prints as PrintList prints it); a later
// page with a wider cell widens that column from its own rows on, and a cell
// is never cut (docs/cli.md).
template <class E>
class ListPrinter {
 public:
  ListPrinter(const GlobalOptions& options, std::ostream& out, std::ostream& err)
      : options_(options), out_(out), err_(err) {}
  // Prints the page's items and flushes them.
  void Page(const std::vector<E>& items);
  // Ends the list; `next_token` as in PrintList.
  void End(const std::string& next_token);

 private:
  const GlobalOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  bool started_ = false;             // the header (table) or the first item (JSON) is out
  std::vector<std::size_t> widths_;  // the table's columns so far
};

// The document as the CLI prints it (2-space indent). Text that is not valid
// UTF-8 (a row written before strata checked it, or by another program) is
// printed with U+FFFD in place of the bad bytes instead of failing.
std::string Dump(const json& doc);

// Text of a JSON value in a table cell: strings bare, null as "-".
std::string CellText(const json& value);

}  // namespace strata::cli
