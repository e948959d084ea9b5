#include "notify/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <string_view>

namespace muster::notify {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The state of one request while it is in flight.
struct Exchange {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  PostResult result;

  ~Exchange() {
    if (headers != nullptr) curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

std::size_t DiscardBody(char*, std::size_t size, std::size_t n, void*) { return size * n; }

// Reads Retry-After (seconds form) from the answer's header lines.
std::size_t ReadHeader(char* data, std::size_t size, std::size_t n, void* user) {
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (std::size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (match) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      long seconds = 0;
      std::size_t digits = 0;
      while (digits < value.size() && digits < 9 &&
             std::isdigit(static_cast<unsigned char>(value[digits]))) {
        seconds = seconds * 10 + (value[digits] - '0');
        ++digits;
      }
      if (digits > 0) static_cast<PostResult*>(user)->retry_after = std::chrono::seconds(seconds);
    }
  }
  return size * n;
}

std::unique_ptr<Exchange> Prepare(const PostRequest& req, const CurlTransport::Options& o) {
  auto x = std::make_unique<Exchange>();
  x->easy = curl_easy_init();
  if (x->easy == nullptr) {
    x->result.error = "cannot create a libcurl handle";
    return x;
  }
  CURL* e = x->easy;
  x->headers = curl_slist_append(x->headers, "Content-Type: application/json; charset=utf-8");
  x->headers = curl_slist_append(x->headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : req.headers) {
    x->headers = curl_slist_append(x->headers, (name + ": " + value).c_str());
  }
  curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, req.body.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "muster-webhook/1");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout.count()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &x->result);
  if (o.proxy) curl_easy_setopt(e, CURLOPT_PROXY, o.proxy->c_str());
  return x;
}

}  // namespace

CurlTransport::CurlTransport() : CurlTransport(Options{}) {}

CurlTransport::CurlTransport(Options options) : options_(std::move(options)) {
  InitCurlOnce();
  multi_ = curl_multi_init();
  curl_multi_setopt(static_cast<CURLM*>(multi_), CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(std::max(1, options_.max_parallel)));
}

CurlTransport::~CurlTransport() {
  if (multi_ != nullptr) curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

std::vector<PostResult> CurlTransport::PostAll(const std::vector<PostRequest>& requests) {
  CURLM* multi = static_cast<CURLM*>(multi_);
  std::vector<std::unique_ptr<Exchange>> exchanges;
  exchanges.reserve(requests.size());
  for (const PostRequest& req : requests) {
    exchanges.push_back(Prepare(req, options_));
    Exchange& x = *exchanges.back();
    if (x.easy == nullptr) continue;
    curl_easy_setopt(x.easy, CURLOPT_PRIVATE, &x);
    if (curl_multi_add_handle(multi, x.easy) != CURLM_OK) x.result.error = "cannot start the request";
  }
  int running = 0;
  do {
    if (curl_multi_perform(multi, &running) != CURLM_OK) break;
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  } while (running > 0);
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Exchange* x = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
    if (x == nullptr) continue;
    if (msg->data.result == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      x->result.status = static_cast<int>(status);
      if (!x->result.ok()) x->result.error = "answered HTTP " + std::to_string(status);
    } else {
      x->result.error = curl_easy_strerror(msg->data.result);
    }
  }
  std::vector<PostResult> out;
  out.reserve(exchanges.size());
  for (auto& x : exchanges) {
    if (x->easy != nullptr) curl_multi_remove_handle(multi, x->easy);
    if (x->result.status == 0 && x->result.error.empty()) x->result.error = "no answer";
    out.push_back(std::move(x->result));
  }
  return out;
}

}  // namespace muster::notify
