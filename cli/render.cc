#include "render.h"

#include <utf8proc.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <variant>

#include "strata/fields.h"

namespace strata::cli {
namespace {

json Time(const std::optional<Timestamp>& t) {
  return t ? json(FormatTimestamp(*t)) : json(nullptr);
}

// A stored JSON document embedded as a value; "" (absent) is null. The store
// validated it on the way in, so a parse failure means it was written by
// something else: it is shown as the text it is.
json Embedded(const std::string& text) {
  if (text.empty()) return nullptr;
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json(text) : value;
}

struct Column {
  const char* header;
  const char* key;
  bool short_arn = false;  // show what follows the ARN's last ':' or '/' part
};

template <class E>
struct Columns;
template <>
struct Columns<Cluster> {
  static constexpr Column kList[] = {{"NAME", "name"},
                                     {"STATUS", "status"},
                                     {"SERVICES", "active_services_count"},
                                     {"RUNNING", "running_tasks_count"},
                                     {"PENDING", "pending_tasks_count"},
                                     {"REGION", "region"},
                                     {"VERSION", "version"},
                                     {"CREATED", "created_at"}};
};
template <>
struct Columns<Service> {
  static constexpr Column kList[] = {{"NAME", "name"},
                                     {"STATUS", "status"},
                                     {"DESIRED", "desired_count"},
                                     {"RUNNING", "running_count"},
                                     {"PENDING", "pending_count"},
                                     {"LAUNCH TYPE", "launch_type"},
                                     {"TASK DEFINITION", "task_definition_arn", true},
                                     {"VERSION", "version"}};
};
template <>
struct Columns<Task> {
  static constexpr Column kList[] = {{"ID", "id"},
                                     {"LAST STATUS", "last_status"},
                                     {"DESIRED", "desired_status"},
                                     {"GROUP", "group"},
                                     {"STARTED BY", "started_by"},
                                     {"TASK DEFINITION", "task_definition_arn", true},
                                     {"CREATED", "created_at"}};
};

// "arn:aws:ecs:r:a:task-definition/web:3" -> "web:3".
std::string ShortArn(const std::string& arn) {
  const std::size_t slash = arn.find('/');
  return arn.starts_with("arn:") && slash != std::string::npos ? arn.substr(slash + 1) : arn;
}

// Terminal columns `text` takes: wide (CJK) characters count 2, combining
// marks 0, a byte that is not valid UTF-8 1 (the terminal shows one glyph).
std::size_t DisplayWidth(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  std::size_t width = 0;
  for (utf8proc_ssize_t at = 0; at < size;) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t length = utf8proc_iterate(bytes + at, size - at, &code_point);
    if (length <= 0) {
      ++width;
      ++at;
      continue;
    }
    width += static_cast<std::size_t>(std::max(utf8proc_charwidth(code_point), 0));
    at += length;
  }
  return width;
}

// Widens `widths` to fit `rows`.
void FitWidths(const std::vector<std::vector<std::string>>& rows,
               std::vector<std::size_t>& widths) {
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
}

// Rows aligned to `widths` (at least as wide as each row's cells).
void PrintRows(const std::vector<std::vector<std::string>>& rows,
               const std::vector<std::size_t>& widths, std::ostream& out) {
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out << line << "\n";
  }
}

void PrintTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<std::size_t> widths;
  FitWidths(rows, widths);
  PrintRows(rows, widths, out);
}

}  // namespace

std::string Dump(const json& doc) {
  return doc.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string CellText(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The contract's resource object, in the order of strata::Fields<E>().
template <class E>
json ToJson(const E& entity) {
  json doc = json::object();
  for (const Field<E>& field : Fields<E>()) {
    json& value = doc[std::string(field.name)];
    std::visit(
        [&](auto member) {
          const auto& v = entity.*member;
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string>) {
            value = field.type == FieldType::kJson ? Embedded(v) : json(v);
          } else if constexpr (std::is_same_v<V, Timestamp>) {
            value = FormatTimestamp(v);
          } else if constexpr (std::is_same_v<V, std::optional<Timestamp>>) {
            value = Time(v);
          } else {
            value = v;
          }
        },
        field.member);
  }
  return doc;
}

template <class E>
void PrintResource(const GlobalOptions& options, const E& resource, std::ostream& out) {
  const json doc = ToJson(resource);
  if (options.output == OutputFormat::kJson) {
    out << Dump(doc) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : doc.items()) rows.push_back({key, CellText(value)});
  PrintTable(rows, out);
}

template <class E>
void PrintList(const GlobalOptions& options, const std::vector<E>& items,
               const std::string& next_token, std::ostream& out, std::ostream& err) {
  ListPrinter<E> printer(options, out, err);
  printer.Page(items);
  printer.End(next_token);
}

// JSON: the items one at a time, as Dump lays them out inside the document
// ({"items": [...]} at 2 spaces an indent: each item 4 spaces in).
template <class E>
void ListPrinter<E>::Page(const std::vector<E>& items) {
  if (options_.output == OutputFormat::kJson) {
    for (const E& item : items) {
      out_ << (started_ ? ",\n    " : "{\n  \"items\": [\n    ");
      started_ = true;
      const std::string text = Dump(ToJson(item));
      std::size_t from = 0;
      for (std::size_t line; (line = text.find('\n', from)) != std::string::npos; from = line + 1) {
        out_.write(text.data() + from, static_cast<std::streamsize>(line + 1 - from)) << "    ";
      }
      out_.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
    }
    out_.flush();
    return;
  }
  std::vector<std::vector<std::string>> rows;
  if (!started_) {
    std::vector<std::string>& header = rows.emplace_back();
    for (const Column& column : Columns<E>::kList) header.emplace_back(column.header);
    started_ = true;
  }
  for (const E& item : items) {
    const json doc = ToJson(item);
    std::vector<std::string>& row = rows.emplace_back();
    for (const Column& column : Columns<E>::kList) {
      const std::string text = CellText(doc[column.key]);
      row.push_back(column.short_arn ? ShortArn(text) : text);
    }
  }
  FitWidths(rows, widths_);
  PrintRows(rows, widths_, out_);
  out_.flush();
}

template <class E>
void ListPrinter<E>::End(const std::string& next_token) {
  if (options_.output == OutputFormat::kJson) {
    out_ << (started_ ? "\n  ],\n" : "{\n  \"items\": [],\n")
         << "  \"next_token\": " << Dump(json(next_token)) << "\n}\n";
    return;
  }
  if (!started_) Page({});  // the header alone
  if (!next_token.empty())
    err_ << "strata: more rows: repeat with --next-token " << next_token << " (or --all)\n";
}

template class ListPrinter<Cluster>;
template class ListPrinter<Service>;
template class ListPrinter<Task>;
template json ToJson(const Cluster&);
template json ToJson(const Service&);
template json ToJson(const Task&);
template void PrintResource(const GlobalOptions&, const Cluster&, std::ostream&);
template void PrintResource(const GlobalOptions&, const Service&, std::ostream&);
template void PrintResource(const GlobalOptions&, const Task&, std::ostream&);
template void PrintList(const GlobalOptions&, const std::vector<Cluster>&, const std::string&,
                        std::ostream&, std::ostream&);
template void PrintList(const GlobalOptions&, const std::vector<Service>&, const std::string&,
                        std::ostream&, std::ostream&);
template void PrintList(const GlobalOptions&, const std::vector<Task>&, const std::string&,
                        std::ostream&, std::ostream&);

}  // namespace strata::cli
