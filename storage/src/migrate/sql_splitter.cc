#include "migrate/sql_splitter.h"

#include <algorithm>
#include <array>

#include "base/ascii.h"

namespace strata::migrate {
namespace {

// ASCII classes, as both databases' tokenizers use (and no locale lookup per
// character: the lexer reads every byte of every migration).
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsWordChar(char c) { return IsWordStart(c) || (c >= '0' && c <= '9') || c == '$'; }

using base::UpperAscii;

// `word` equals the upper-case keyword `upper`, ignoring ASCII case.
bool IsKeyword(std::string_view word, std::string_view upper) {
  return word.size() == upper.size() &&
         std::equal(word.begin(), word.end(), upper.begin(),
                    [](char a, char b) { return UpperAscii(a) == b; });
}

std::string Upper(std::string_view word) {
  std::string out(word);
  std::transform(out.begin(), out.end(), out.begin(), UpperAscii);
  return out;
}

// Walks a script once, tracking lines; the splitter and LeadingWords share it
// so that both skip quotes and comments identically.
class Lexer {
 public:
  Lexer(std::string_view text, Backend dialect) : s_(text), dialect_(dialect) {}

  bool done() const { return pos_ >= s_.size(); }
  std::size_t pos() const { return pos_; }
  int line() const { return line_; }

  enum class Token { kSpace, kComment, kWord, kQuoted, kSemicolon, kOther };

  // Consumes one token; `word` receives the text of a kWord.
  Token Next(std::string_view& word) {
    const char c = s_[pos_];
    if (IsSpace(c)) {
      Step();
      return Token::kSpace;
    }
    if (c == '-' && Peek(1) == '-') {
      while (!done() && s_[pos_] != '\n') Step();
      return Token::kComment;
    }
    if (c == '/' && Peek(1) == '*') {
      SkipBlockComment();
      return Token::kComment;
    }
    if (c == '\'') return SkipQuoted('\'', /*backslash_escapes=*/false);
    if (c == '"') return SkipQuoted('"', false);
    if (dialect_ == Backend::kPostgres && (c == 'E' || c == 'e') && Peek(1) == '\'' &&
        !PreviousIsWordChar()) {
      Step();
      return SkipQuoted('\'', /*backslash_escapes=*/true);
    }
    if (dialect_ == Backend::kSqlite && c == '`') return SkipQuoted('`', false);
    if (dialect_ == Backend::kSqlite && c == '[') {
      while (!done() && s_[pos_] != ']') Step();
      if (!done()) Step();
      return Token::kQuoted;
    }
    if (dialect_ == Backend::kPostgres && c == '$' && !PreviousIsWordChar() && SkipDollarQuoted()) {
      return Token::kQuoted;
    }
    if (IsWordStart(c)) {
      const std::size_t start = pos_;
      while (!done() && IsWordChar(s_[pos_])) Step();
      word = s_.substr(start, pos_ - start);
      return Token::kWord;
    }
    Step();
    return c == ';' ? Token::kSemicolon : Token::kOther;
  }

 private:
  char Peek(std::size_t ahead) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  bool PreviousIsWordChar() const { return pos_ > 0 && IsWordChar(s_[pos_ - 1]); }
  void Step() {
    if (s_[pos_] == '\n') ++line_;
    ++pos_;
  }
  void StepOver(std::size_t n) {
    for (std::size_t i = 0; i < n && !done(); ++i) Step();
  }

  // PostgreSQL nests block comments; SQLite ends one at the first */.
  void SkipBlockComment() {
    StepOver(2);
    int depth = 1;
    while (!done() && depth > 0) {
      if (s_[pos_] == '*' && Peek(1) == '/') {
        --depth;
        StepOver(2);
      } else if (dialect_ == Backend::kPostgres && s_[pos_] == '/' && Peek(1) == '*') {
        ++depth;
        StepOver(2);
      } else {
        Step();
      }
    }
  }

  // 'it''s', "a ""b""", E'it\'s': a doubled quote is an escaped quote.
  Token SkipQuoted(char quote, bool backslash_escapes) {
    Step();
    while (!done()) {
      const char c = s_[pos_];
      if (backslash_escapes && c == '\\') {
        StepOver(2);
      } else if (c == quote && Peek(1) == quote) {
        StepOver(2);
      } else if (c == quote) {
        Step();
        break;
      } else {
        Step();
      }
    }
    return Token::kQuoted;
  }

  // $$ ... $$ or $tag$ ... $tag$; `$1` (a parameter) is not a quote.
  bool SkipDollarQuoted() {
    std::size_t end = pos_ + 1;
    if (end < s_.size() && IsWordStart(s_[end])) {
      while (end < s_.size() && IsWordChar(s_[end]) && s_[end] != '$') ++end;
    }
    if (end >= s_.size() || s_[end] != '$') return false;
    const std::string_view tag = s_.substr(pos_, end - pos_ + 1);
    const std::size_t close = s_.find(tag, end + 1);
    StepOver((close == std::string_view::npos ? s_.size() : close + tag.size()) - pos_);
    return true;
  }

  std::string_view s_;
  Backend dialect_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

// Tracks whether a ';' ends the statement: not inside a CREATE TRIGGER body
// (SQLite) or a BEGIN ATOMIC body (PostgreSQL), where CASE ... END may nest.
class BodyTracker {
 public:
  explicit BodyTracker(Backend dialect) : dialect_(dialect) {}

  void OnWord(std::string_view word) {
    if (count_ < words_.size()) words_[count_++] = word;
    if (in_body_) {
      if (IsKeyword(word, "CASE")) {
        ++case_depth_;
      } else if (IsKeyword(word, "END")) {
        if (case_depth_ > 0) {
          --case_depth_;
        } else {
          in_body_ = false;
        }
      }
      return;
    }
    if (awaiting_atomic_) {
      awaiting_atomic_ = false;
      in_body_ = IsKeyword(word, "ATOMIC");
      return;
    }
    if (!IsKeyword(word, "BEGIN")) return;
    if (dialect_ == Backend::kSqlite && StartsTrigger()) in_body_ = true;
    if (dialect_ == Backend::kPostgres && StartsRoutine()) awaiting_atomic_ = true;
  }

  bool semicolon_ends_statement() const { return !in_body_; }

  void Reset() { *this = BodyTracker(dialect_); }

 private:
  bool At(std::size_t i, std::string_view upper) const {
    return i < count_ && IsKeyword(words_[i], upper);
  }
  bool StartsTrigger() const {
    if (!At(0, "CREATE")) return false;
    return At(1, "TRIGGER") || ((At(1, "TEMP") || At(1, "TEMPORARY")) && At(2, "TRIGGER"));
  }
  bool StartsRoutine() const {
    if (!At(0, "CREATE")) return false;
    const std::size_t kind = At(1, "OR") ? 3 : 1;  // CREATE OR REPLACE FUNCTION
    return At(kind, "FUNCTION") || At(kind, "PROCEDURE");
  }

  Backend dialect_;
  std::array<std::string_view, 4> words_{};  // the statement's first words
  std::size_t count_ = 0;
  bool in_body_ = false;
  bool awaiting_atomic_ = false;
  int case_depth_ = 0;
};

}  // namespace

std::vector<SqlChunk> SplitSql(std::string_view script, Backend dialect) {
  std::vector<SqlChunk> chunks;
  Lexer lexer(script, dialect);
  BodyTracker body(dialect);
  SqlChunk chunk;
  const auto finish = [&] {
    chunk.text = script.substr(chunk.offset, lexer.pos() - chunk.offset);
    chunks.push_back(chunk);
    chunk = SqlChunk{};
    chunk.offset = lexer.pos();
    chunk.line = lexer.line();
    body.Reset();
  };
  while (!lexer.done()) {
    const int line = lexer.line();
    std::string_view word;
    const Lexer::Token token = lexer.Next(word);
    if (token == Lexer::Token::kSpace || token == Lexer::Token::kComment) continue;
    if (!chunk.has_code) {
      chunk.has_code = true;
      chunk.line = line;
    }
    if (token == Lexer::Token::kWord) body.OnWord(word);
    if (token == Lexer::Token::kSemicolon && body.semicolon_ends_statement()) finish();
  }
  if (lexer.pos() > chunk.offset) finish();
  return chunks;
}

std::vector<SqlChunk> SplitStatements(std::string_view script, Backend dialect) {
  std::vector<SqlChunk> statements = SplitSql(script, dialect);
  std::erase_if(statements, [](const SqlChunk& c) { return !c.has_code; });
  return statements;
}

std::vector<std::string> LeadingWords(std::string_view statement, std::size_t count,
                                      Backend dialect) {
  Lexer lexer(statement, dialect);
  std::vector<std::string> words;
  while (!lexer.done() && words.size() < count) {
    std::string_view word;
    const Lexer::Token token = lexer.Next(word);
    if (token == Lexer::Token::kWord) words.push_back(Upper(word));
    if (token == Lexer::Token::kQuoted || token == Lexer::Token::kSemicolon) break;
  }
  return words;
}

std::optional<std::string> TransactionRefusal(std::string_view statement, Backend dialect) {
  // Three words decide, except for the PostgreSQL statements whose
  // CONCURRENTLY or DETACH may come later: only those are read further.
  std::vector<std::string> w = LeadingWords(statement, 3, dialect);
  if (w.empty()) return std::nullopt;
  const auto at = [&](std::size_t i) { return i < w.size() ? w[i] : std::string(); };
  if (dialect == Backend::kPostgres &&
      ((w[0] == "CREATE" && (at(1) == "INDEX" || at(2) == "INDEX")) || w[0] == "REINDEX" ||
       (w[0] == "ALTER" && at(1) == "TABLE"))) {
    w = LeadingWords(statement, 12, dialect);
  }
  const auto has = [&](std::string_view word) {
    return std::find(w.begin(), w.end(), word) != w.end();
  };
  const std::string first = w[0];

  const bool rollback_to_savepoint = first == "ROLLBACK" && (at(1) == "TO" || at(2) == "TO");
  if (first == "BEGIN" || first == "COMMIT" || first == "END" || first == "ABORT" ||
      (first == "START" && at(1) == "TRANSACTION") ||
      (first == "ROLLBACK" && !rollback_to_savepoint) ||
      (first == "PREPARE" && at(1) == "TRANSACTION")) {
    return first +
           " controls the transaction, which strata owns: each migration runs in one "
           "transaction with its ledger row. Remove it, or make the file "
           "-- strata:no-transaction";
  }
  const std::string fix =
      " cannot run inside a transaction: move it to a migration whose first line is "
      "-- strata:no-transaction";
  if (dialect == Backend::kPostgres) {
    if (first == "CREATE" && (at(1) == "INDEX" || at(2) == "INDEX") && has("CONCURRENTLY")) {
      return "CREATE INDEX CONCURRENTLY" + fix;
    }
    if (first == "DROP" && at(1) == "INDEX" && at(2) == "CONCURRENTLY") {
      return "DROP INDEX CONCURRENTLY" + fix;
    }
    if (first == "REINDEX" && has("CONCURRENTLY")) return "REINDEX CONCURRENTLY" + fix;
    if (first == "ALTER" && at(1) == "TABLE" && has("DETACH") && has("CONCURRENTLY")) {
      return "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY" + fix;
    }
    if (first == "VACUUM") return "VACUUM" + fix;
    if ((first == "CREATE" || first == "DROP") && (at(1) == "DATABASE" || at(1) == "TABLESPACE")) {
      return first + " " + at(1) + fix;
    }
    if (first == "ALTER" && at(1) == "SYSTEM") return "ALTER SYSTEM" + fix;
  } else {
    if (first == "VACUUM") return "VACUUM" + fix;
    if (first == "PRAGMA" && (at(1) == "FOREIGN_KEYS" || at(1) == "JOURNAL_MODE")) {
      return "PRAGMA " + std::string(at(1) == "FOREIGN_KEYS" ? "foreign_keys" : "journal_mode") +
             " has no effect inside a transaction: move it to a migration whose first line is "
             "-- strata:no-transaction";
    }
  }
  return std::nullopt;
}

}  // namespace strata::migrate
