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

// The document as the CLI prints it (2-space indent). Text that is not valid
// UTF-8 (a row written before strata checked it, or by another program) is
// printed with U+FFFD in place of the bad bytes instead of failing.
std::string Dump(const json& doc);

// Text of a JSON value in a table cell: strings bare, null as "-".
std::string CellText(const json& value);

}  // namespace strata::cli
