// The migration script splitter (storage/src/migrate/sql_splitter.h) on
// arbitrary scripts. The first byte picks the dialect, odd ('1') PostgreSQL and
// even ('0') SQLite; the rest is the script.
//
// Invariants:
//  - the chunks tile the script: each starts where the previous ended, none is
//    empty, their texts point into the script, and together they are it;
//  - every chunk but the last holds code and ends with its ';';
//  - a chunk's line lies between the lines of its first and last byte;
//  - a chunk split again on its own is that one chunk (the lexer's state at a
//    statement boundary is its initial state), with its line shifted;
//  - SplitStatements is SplitSql without the chunks that hold no code;
//  - LeadingWords gives at most `count` upper-case words, and fewer words are
//    a prefix of more; TransactionRefusal gives a non-empty reason, and only
//    for the statements whose first word can start one.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "migrate/sql_splitter.h"

namespace {

using strata::Backend;
using strata::migrate::SqlChunk;

int Newlines(std::string_view text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

bool IsUpperWord(const std::string& word) {
  return !word.empty() && std::none_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == ' ' || c == ';' || c == '\'';
  });
}

void CheckWords(const SqlChunk& statement, Backend dialect) {
  const std::vector<std::string> few = strata::migrate::LeadingWords(statement.text, 2, dialect);
  const std::vector<std::string> many = strata::migrate::LeadingWords(statement.text, 12, dialect);
  FUZZ_CHECK(few.size() <= 2 && many.size() <= 12);
  FUZZ_CHECK(std::equal(few.begin(), few.end(), many.begin(), many.begin() + few.size()));
  FUZZ_CHECK(std::all_of(many.begin(), many.end(), IsUpperWord));

  const auto refusal = strata::migrate::TransactionRefusal(statement.text, dialect);
  if (!refusal) return;
  FUZZ_CHECK(!refusal->empty());
  static const std::vector<std::string> kFirstWords = {
      "BEGIN",  "COMMIT", "END",   "ABORT",   "START",  "ROLLBACK", "PREPARE",
      "CREATE", "DROP",   "ALTER", "REINDEX", "VACUUM", "PRAGMA"};
  FUZZ_CHECK(!many.empty() &&
             std::find(kFirstWords.begin(), kFirstWords.end(), many[0]) != kFirstWords.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Backend dialect = (data[0] & 1) != 0 ? Backend::kPostgres : Backend::kSqlite;
  const std::string_view script = strata::fuzz::AsText(data + 1, size - 1);

  const std::vector<SqlChunk> chunks = strata::migrate::SplitSql(script, dialect);
  std::size_t offset = 0;
  std::vector<SqlChunk> with_code;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const SqlChunk& chunk = chunks[i];
    FUZZ_CHECK(chunk.offset == offset);
    FUZZ_CHECK(!chunk.text.empty());
    FUZZ_CHECK(chunk.text.data() == script.data() + chunk.offset);
    offset += chunk.text.size();
    FUZZ_CHECK(offset <= script.size());
    if (i + 1 < chunks.size()) FUZZ_CHECK(chunk.has_code && chunk.text.back() == ';');

    const int first_line = 1 + Newlines(script.substr(0, chunk.offset));
    FUZZ_CHECK(chunk.line >= first_line && chunk.line <= first_line + Newlines(chunk.text));

    const std::vector<SqlChunk> again = strata::migrate::SplitSql(chunk.text, dialect);
    FUZZ_CHECK(again.size() == 1);
    FUZZ_CHECK(again[0].text == chunk.text && again[0].has_code == chunk.has_code);
    FUZZ_CHECK(again[0].line + first_line - 1 == chunk.line);

    if (chunk.has_code) {
      with_code.push_back(chunk);
      CheckWords(chunk, dialect);
    }
  }
  FUZZ_CHECK(offset == script.size());

  const std::vector<SqlChunk> statements = strata::migrate::SplitStatements(script, dialect);
  FUZZ_CHECK(statements.size() == with_code.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    FUZZ_CHECK(statements[i].offset == with_code[i].offset);
    FUZZ_CHECK(statements[i].text == with_code[i].text);
    FUZZ_CHECK(statements[i].line == with_code[i].line);
  }
  return 0;
}
