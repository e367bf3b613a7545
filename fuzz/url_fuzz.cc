// Database URLs (storage/include/strata/options.h): RedactUrl, and
// StoreOptions::Set, Describe and Validate on them.
//
// The first byte picks the backend and the input's shape ('0'-'4' sqlite,
// '5'-'9' postgres): '0' and '5' take the rest of the input as the URL; the
// others build a URL around a password generated from the input (URI user
// info, URI query parameter, conninfo value bare or quoted), the text around
// it taken from the input too. libpq itself (PQconninfoParse, what strata
// connects with) says which values are secrets: the options it marks with
// dispchar '*' (password, sslpassword).
//
// Invariants:
//  - nothing but InvalidArgumentError escapes Set and Validate; RedactUrl and
//    Describe do not throw; Describe is the backend and RedactUrl(url);
//    Validate refuses an empty sqlite URL and accepts a plain path on sqlite,
//    and an empty URL (libpq's defaults) or a URI on postgres;
//  - a secret is not in the redacted URL, and the redacted URL does not
//    depend on it: with the secret's letters and digits changed (so that libpq
//    reads every other option the same), the redacted URL is the same.
#include <fuzzer/FuzzedDataProvider.h>
#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "strata/error.h"
#include "strata/options.h"

namespace {

using Options = std::map<std::string, std::string>;

struct Parsed {
  Options values;   // keyword -> value, for the options the URL sets
  Options secrets;  // the subset that libpq treats as secret
};

std::optional<Parsed> ParseWithLibpq(const std::string& url) {
  if (url.find('\0') != std::string::npos) return std::nullopt;  // libpq would stop there
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return std::nullopt;
  }
  Parsed parsed;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    parsed.values[o->keyword] = o->val;
    if (o->dispchar != nullptr && std::string_view(o->dispchar).find('*') != std::string::npos) {
      parsed.secrets[o->keyword] = o->val;
    }
  }
  PQconninfoFree(options);
  return parsed;
}

// Another value of the same shape: letters and digits moved on by one.
std::string Rotate(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c >= '0' && c <= '9') c = c == '9' ? '0' : static_cast<char>(c + 1);
    if (c >= 'a' && c <= 'z') c = c == 'z' ? 'a' : static_cast<char>(c + 1);
    if (c >= 'A' && c <= 'Z') c = c == 'Z' ? 'A' : static_cast<char>(c + 1);
  }
  return out;
}

// Checks each secret value that appears once, verbatim, in the URL.
void CheckSecrets(const std::string& url) {
  const std::optional<Parsed> parsed = ParseWithLibpq(url);
  if (!parsed) return;
  const std::string redacted = strata::RedactUrl(url);
  for (const auto& [keyword, secret] : parsed->secrets) {
    const std::size_t at = url.find(secret);
    if (secret.empty() || at == std::string::npos ||
        url.find(secret, at + 1) != std::string::npos) {
      continue;
    }
    // That occurrence is the secret, and only it, when changing it changes
    // just the secret for libpq.
    const std::string rotated = Rotate(secret);
    if (rotated == secret) continue;
    std::string other_url = url;
    other_url.replace(at, secret.size(), rotated);
    std::optional<Parsed> other = ParseWithLibpq(other_url);
    if (!other) continue;
    other->values[keyword] = secret;
    if (other->values != parsed->values) continue;

    const std::string other_redacted = strata::RedactUrl(other_url);
    if (other_redacted != redacted) {
      std::fprintf(stderr, "url: [%s]\nredacted: [%s]\nwith %s changed: [%s]\nredacted: [%s]\n",
                   url.c_str(), redacted.c_str(), keyword.c_str(), other_url.c_str(),
                   other_redacted.c_str());
    }
    FUZZ_CHECK(other_redacted == redacted);
    // The masks add only "***" and "password=***": a secret without those
    // characters can be in the result only where the URL had it.
    if (secret.find_first_of("pasword=*") == std::string::npos) {
      FUZZ_CHECK(redacted.find(secret) == std::string::npos);
    }
  }
}

void CheckStoreOptions(const std::string& url, strata::Backend backend) {
  strata::StoreOptions options;
  options.Set("storage", strata::BackendName(backend), "--storage");
  options.Set("database-url", url, "--database-url");
  FUZZ_CHECK(options.url == url && options.backend == backend);
  const std::string where = url.empty() ? "(libpq defaults)" : strata::RedactUrl(url);
  FUZZ_CHECK(options.Describe() == std::string(strata::BackendName(backend)) + " " + where);
  bool valid = true;
  try {
    options.Validate();
  } catch (const strata::InvalidArgumentError&) {
    valid = false;
  }
  // Refused: an empty sqlite URL. Accepted: a plain path on sqlite, libpq's
  // defaults or a URI on postgres. Other pairs may be refused as contradicting.
  const bool uri = url.starts_with("postgresql://") || url.starts_with("postgres://");
  if (backend == strata::Backend::kSqlite) {
    if (url.empty()) FUZZ_CHECK(!valid);
    if (!url.empty() && !uri && url.find('=') == std::string::npos) FUZZ_CHECK(valid);
  } else if (url.empty() || uri) {
    FUZZ_CHECK(valid);
  }
}

// A password of 4-24 characters: letters, digits, and what URL and conninfo
// parsers treat specially.
std::string MakeSecret(FuzzedDataProvider& input) {
  static constexpr std::string_view kChars =
      "0123456789BCEFGHIJKLMNQTUVXYZbcefghijklmnqtuvxyz@:/?#&%=' \\\"[],;+$!~._-";
  std::string secret(input.ConsumeIntegralInRange<std::size_t>(4, 24), 'x');
  for (char& c : secret)
    c = kChars[input.ConsumeIntegralInRange<std::size_t>(0, kChars.size() - 1)];
  return secret;
}

std::string SecretKeyword(FuzzedDataProvider& input) {
  switch (input.ConsumeIntegralInRange(0, 2)) {
    case 0:
      return "password";
    case 1:
      return "sslpassword";
    default:
      return input.ConsumeRandomLengthString(16);
  }
}

std::string MakeUrl(int shape, FuzzedDataProvider& input) {
  if (shape == 0) return input.ConsumeRemainingBytesAsString();
  const std::string scheme = input.ConsumeBool() ? "postgresql://" : "postgres://";
  const std::string secret = MakeSecret(input);
  switch (shape) {
    case 1: {  // scheme://user:SECRET@host...
      const std::string user = input.ConsumeRandomLengthString(16);
      return scheme + user + ":" + secret + "@" + input.ConsumeRemainingBytesAsString();
    }
    case 2: {  // scheme://host/db?...&password=SECRET&...
      const std::string before = input.ConsumeRandomLengthString(48);
      const std::string keyword = SecretKeyword(input);
      return scheme + before + keyword + "=" + secret + input.ConsumeRemainingBytesAsString();
    }
    case 3: {  // host=db password = SECRET user=app
      const std::string before = input.ConsumeRandomLengthString(48);
      const std::string keyword = SecretKeyword(input);
      const std::string equals = input.ConsumeBool() ? "=" : " = ";
      return before + keyword + equals + secret + input.ConsumeRemainingBytesAsString();
    }
    default: {  // host=db password='SECRET' user=app
      const std::string before = input.ConsumeRandomLengthString(48);
      const std::string keyword = SecretKeyword(input);
      return before + keyword + "='" + secret + "'" + input.ConsumeRemainingBytesAsString();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // '0'-'4' sqlite, '5'-'9' postgres ('0' is 48); '0' and '5' take the rest as the URL.
  const int selector = (data[0] + 2) % 10;
  const strata::Backend backend =
      selector >= 5 ? strata::Backend::kPostgres : strata::Backend::kSqlite;
  FuzzedDataProvider input(data + 1, size - 1);
  const std::string url = MakeUrl(selector % 5, input);
  CheckStoreOptions(url, backend);
  CheckSecrets(url);
  return 0;
}
