#include "adapters/http/oidc.h"

#include <algorithm>

#include <cjose/cjose.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace raciflow::http {

std::string percent_encode(const std::string& text);  // api_support.cpp

using nlohmann::json;

namespace {

[[noreturn]] void refuse(const std::string& reason, const std::string& message) { throw OidcRefusal{reason, message}; }

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("the random number generator failed");
  return out;
}

std::string sha256(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 failed");
  return std::string(reinterpret_cast<char*>(digest), size);
}

// The provider's JSON answer, or a refusal naming what was asked.
json provider_json(const OidcTransport::Response& r, const std::string& what) {
  if (r.status == 0) refuse("provider_unreachable", "the identity provider did not answer (" + what + ")" + (r.body.empty() ? "" : ": " + r.body));
  json body = json::parse(r.body, nullptr, false);
  if (r.status != 200) {
    // RFC 6749 §5.2: {"error": ..., "error_description": ...}
    std::string detail = body.is_object() && body.contains("error") && body["error"].is_string() ? body["error"].get<std::string>() : "";
    if (body.is_object() && body.contains("error_description") && body["error_description"].is_string())
      detail += (detail.empty() ? "" : ": ") + body["error_description"].get<std::string>();
    refuse("provider_error", "the identity provider answered " + std::to_string(r.status) + " to " + what +
                                 (detail.empty() ? "" : " (" + detail.substr(0, 300) + ")"));
  }
  if (!body.is_object()) refuse("provider_error", "the identity provider's " + what + " is not a JSON object");
  return body;
}

std::string text_of(const json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t number_of(const json& claims, const char* field, bool required) {
  auto it = claims.find(field);
  if (it == claims.end()) {
    if (required) refuse("malformed_token", std::string("the ID token has no '") + field + "' claim");
    return 0;
  }
  if (!it->is_number()) refuse("malformed_token", std::string("the ID token's '") + field + "' is not a number");
  return it->is_number_integer() ? it->get<std::int64_t>() : static_cast<std::int64_t>(it->get<double>());
}

std::string base64url_decode(const std::string& text) {
  std::string b64 = text;
  std::replace(b64.begin(), b64.end(), '-', '+');
  std::replace(b64.begin(), b64.end(), '_', '/');
  while (b64.size() % 4) b64 += '=';
  std::string out(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) refuse("malformed_token", "the ID token is not base64url");
  std::size_t padding = b64.size() - text.size();  // decoded as zero bytes at the end
  out.resize(static_cast<std::size_t>(n) - std::min<std::size_t>(padding, static_cast<std::size_t>(n)));
  return out;
}

// The JWS's protected header, read before anything is trusted: it only says which key
// and which algorithm to check with, and both are then held to what raciflow allows.
json token_header(const std::string& token) {
  auto dot = token.find('.');
  if (dot == std::string::npos || std::count(token.begin(), token.end(), '.') != 2) refuse("malformed_token", "the ID token is not a compact JWS");
  json header = json::parse(base64url_decode(token.substr(0, dot)), nullptr, false);
  if (!header.is_object()) refuse("malformed_token", "the ID token's header is not JSON");
  return header;
}

// The key type each allowed algorithm needs ("none" and HS* are not among them).
const char* key_type_for(const std::string& alg) {
  if (alg == "RS256" || alg == "PS256") return "RSA";
  if (alg == "ES256") return "EC";
  return nullptr;
}

struct Released {
  void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); }
  void operator()(cjose_jws_t* j) const { cjose_jws_release(j); }
};

}  // namespace

std::string base64url(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

OidcClient::OidcClient(OidcSettings settings, std::shared_ptr<OidcTransport> transport, Clock clock)
    : settings_(std::move(settings)), transport_(std::move(transport)), clock_(std::move(clock)) {
  while (!settings_.issuer.empty() && settings_.issuer.back() == '/') settings_.issuer.pop_back();
}

json OidcClient::discovery() {
  {
    std::lock_guard lock(mutex_);
    if (!discovery_.is_null()) return discovery_;
  }
  std::string url = settings_.issuer + "/.well-known/openid-configuration";
  json d = provider_json(transport_->get(url), "the discovery document " + url);
  for (const char* field : {"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"})
    if (text_of(d, field).empty()) refuse("provider_error", std::string("the discovery document ") + url + " has no '" + field + "'");
  std::lock_guard lock(mutex_);
  discovery_ = d;
  return discovery_;
}

OidcClient::Start OidcClient::start(const std::string& redirect_uri) {
  json d = discovery();
  Start s;
  s.state = base64url(random_bytes(32));
  s.nonce = base64url(random_bytes(32));
  s.verifier = base64url(random_bytes(32));  // 43 characters, RFC 7636 §4.1
  std::string endpoint = text_of(d, "authorization_endpoint");
  s.url = endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + "response_type=code&client_id=" +
          percent_encode(settings_.client_id) + "&redirect_uri=" + percent_encode(redirect_uri) + "&scope=" +
          percent_encode(settings_.scopes) + "&state=" + s.state + "&nonce=" + s.nonce +
          "&code_challenge=" + base64url(sha256(s.verifier)) + "&code_challenge_method=S256";
  return s;
}

IdToken OidcClient::finish(const std::string& code, const std::string& verifier, const std::string& nonce, const std::string& redirect_uri) {
  json d = discovery();
  std::vector<std::pair<std::string, std::string>> fields{
      {"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirect_uri}, {"code_verifier", verifier}};
  std::string basic;
  if (settings_.client_secret.empty()) {
    fields.push_back({"client_id", settings_.client_id});
  } else {
    // RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined.
    basic = percent_encode(settings_.client_id) + ":" + percent_encode(settings_.client_secret);
  }
  json tokens = provider_json(transport_->post_form(text_of(d, "token_endpoint"), fields, basic), "the code's redemption");
  std::string id_token = text_of(tokens, "id_token");
  if (id_token.empty()) refuse("provider_error", "the identity provider's token answer has no id_token (is 'openid' among the scopes?)");
  return verify(id_token, nonce);
}

IdToken OidcClient::verify(const std::string& token, const std::string& nonce) {
  json header = token_header(token);
  std::string alg = text_of(header, "alg"), kid = text_of(header, "kid");
  const char* kty = key_type_for(alg);
  if (!kty) refuse("bad_algorithm", "the ID token is signed with '" + alg.substr(0, 20) + "'; raciflow accepts RS256, PS256 and ES256 only");
  std::string jwk = key_json(kid, alg);

  cjose_err err{};
  std::unique_ptr<cjose_jwk_t, Released> key(cjose_jwk_import(jwk.data(), jwk.size(), &err));
  if (!key) refuse("provider_error", std::string("a key of the identity provider cannot be read: ") + err.message);
  std::unique_ptr<cjose_jws_t, Released> jws(cjose_jws_import(token.data(), token.size(), &err));
  if (!jws) refuse("malformed_token", std::string("the ID token cannot be read: ") + err.message);
  if (!cjose_jws_verify(jws.get(), key.get(), &err)) refuse("bad_signature", "the ID token's signature does not verify");
  uint8_t* plain = nullptr;
  size_t plain_size = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plain, &plain_size, &err)) refuse("malformed_token", "the ID token has no payload");
  json claims = json::parse(std::string(reinterpret_cast<char*>(plain), plain_size), nullptr, false);
  if (!claims.is_object()) refuse("malformed_token", "the ID token's payload is not a JSON object");

  IdToken t;
  t.claims = claims;
  t.issuer = text_of(claims, "iss");
  std::vector<std::string> issuers = settings_.accepted_issuers;
  issuers.push_back(text_of(discovery(), "issuer"));
  if (std::find(issuers.begin(), issuers.end(), t.issuer) == issuers.end())
    refuse("wrong_issuer", "the ID token was issued by '" + t.issuer.substr(0, 200) + "', which is not a configured issuer");
  std::vector<std::string> audiences;
  if (claims.contains("aud") && claims["aud"].is_string()) audiences.push_back(claims["aud"]);
  if (claims.contains("aud") && claims["aud"].is_array())
    for (const auto& a : claims["aud"])
      if (a.is_string()) audiences.push_back(a);
  if (std::find(audiences.begin(), audiences.end(), settings_.client_id) == audiences.end())
    refuse("wrong_audience", "the ID token is not meant for this client ('" + settings_.client_id + "' is not in its audience)");
  std::string azp = text_of(claims, "azp");
  if ((audiences.size() > 1 || !azp.empty()) && azp != settings_.client_id)
    refuse("wrong_audience", "the ID token was issued to another party (azp '" + azp.substr(0, 200) + "')");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
  auto skew = settings_.clock_skew.count();
  t.expires = number_of(claims, "exp", true);
  if (t.expires + skew <= now) refuse("expired", "the ID token has expired");
  if (number_of(claims, "iat", true) - skew > now) refuse("not_yet_valid", "the ID token was issued in the future (check the clocks)");
  if (number_of(claims, "nbf", false) - skew > now) refuse("not_yet_valid", "the ID token is not valid yet");
  if (nonce.empty() || text_of(claims, "nonce") != nonce) refuse("wrong_nonce", "the ID token's nonce is not the one this login sent");

  t.subject = text_of(claims, "sub");
  if (t.subject.empty()) refuse("malformed_token", "the ID token has no subject ('sub')");
  t.email = text_of(claims, "email");
  if (claims.contains("email_verified") && claims["email_verified"].is_boolean()) t.email_verified = claims["email_verified"];
  t.name = text_of(claims, "name");
  for (const char* field : {"groups", "roles"}) {
    if (!claims.contains(field) || !claims[field].is_array()) continue;
    for (const auto& g : claims[field])
      if (g.is_string()) t.groups.push_back(g);
    break;
  }
  return t;
}

std::string OidcClient::key_json(const std::string& kid, const std::string& alg) {
  std::string uri = text_of(discovery(), "jwks_uri");
  auto find = [&]() -> std::string {
    std::lock_guard lock(mutex_);
    for (const auto& k : keys_) {
      if (text_of(k, "kty") != key_type_for(alg)) continue;
      if (!kid.empty() && text_of(k, "kid") != kid) continue;
      if (std::string use = text_of(k, "use"); !use.empty() && use != "sig") continue;
      if (std::string a = text_of(k, "alg"); !a.empty() && a != alg) continue;
      return k.dump();
    }
    return "";
  };
  bool fetched = false;
  {
    std::lock_guard lock(mutex_);
    fetched = jwks_fetches_ > 0;
  }
  if (!fetched) fetch_keys(uri);
  if (auto k = find(); !k.empty()) return k;
  // A key id the set does not hold: the provider may have rolled its keys. Ask again,
  // unless the keys were fetched a moment ago.
  bool due = false;
  {
    std::lock_guard lock(mutex_);
    due = clock_() - keys_fetched_ >= settings_.jwks_floor;
  }
  if (due) {
    fetch_keys(uri);
    if (auto k = find(); !k.empty()) return k;
  }
  refuse("unknown_key", "the ID token names a key ('" + kid.substr(0, 100) + "') that the identity provider does not publish");
}

void OidcClient::fetch_keys(const std::string& uri) {
  json set = provider_json(transport_->get(uri), "the key set " + uri);
  if (!set.contains("keys") || !set["keys"].is_array()) refuse("provider_error", "the key set " + uri + " has no 'keys'");
  std::lock_guard lock(mutex_);
  keys_.clear();
  for (const auto& k : set["keys"])
    if (k.is_object()) keys_.push_back(k);
  keys_fetched_ = clock_();
  ++jwks_fetches_;
}

int OidcClient::jwks_fetches() const {
  std::lock_guard lock(mutex_);
  return jwks_fetches_;
}

std::string OidcClient::end_session_url(const std::string& post_logout_redirect) {
  json d;
  try {
    d = discovery();
  } catch (const OidcRefusal&) {
    return "";
  }
  std::string endpoint = text_of(d, "end_session_endpoint");
  if (endpoint.empty()) return "";
  return endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + "client_id=" + percent_encode(settings_.client_id) +
         "&post_logout_redirect_uri=" + percent_encode(post_logout_redirect);
}

// --- libcurl ------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxAnswer = 1024 * 1024;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > kMaxAnswer) return 0;  // too large: the transfer fails
  body->append(data, size * n);
  return size * n;
}

class CurlTransport : public OidcTransport {
 public:
  Response get(const std::string& url) override { return run(url, nullptr, ""); }
  Response post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
                     const std::string& basic) override {
    std::string form;
    for (const auto& [name, value] : fields) form += (form.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(value);
    return run(url, &form, basic);
  }

 private:
  Response run(const std::string& url, const std::string* form, const std::string& basic) {
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return {0, "libcurl could not start"};
    Response r;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &r.body);
    curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    if (form) curl_easy_setopt(curl.get(), CURLOPT_COPYPOSTFIELDS, form->c_str());
    if (!basic.empty()) {
      curl_easy_setopt(curl.get(), CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl.get(), CURLOPT_USERPWD, basic.c_str());
    }
    CURLcode code = curl_easy_perform(curl.get());
    curl_slist_free_all(headers);
    if (code != CURLE_OK) return {0, curl_easy_strerror(code)};
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
    return r;
  }
};

}  // namespace

std::unique_ptr<OidcTransport> curl_transport() { return std::make_unique<CurlTransport>(); }

}  // namespace raciflow::http
