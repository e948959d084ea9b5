// `muster serve` as a process: two servers sharing one database never overbook a shift, and a
// server killed with SIGKILL in the middle of a burst of sign-ups loses no acknowledged one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/test_client.h"
#include "store/sqlite/sqlite_store.h"
#include "support/pg_server.h"
#include "support/test_store.h"

namespace muster {
namespace {

using nlohmann::json;
constexpr const char* kPassword = "correct horse battery staple";

int RunMuster(const std::string& args, const std::string& cwd) {
  std::string command = "cd '" + cwd + "' && '" MUSTER_BINARY "' " + args + " >/dev/null 2>&1";
  int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// One `muster serve` child process on a free port.
class ServeProcess {
 public:
  ServeProcess(const std::string& store_args, const std::string& cwd) {
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, STDERR_FILENO);
      ::close(out[0]);
      if (::chdir(cwd.c_str()) != 0) ::_exit(127);
      std::string command = "exec '" MUSTER_BINARY "' serve --listen 127.0.0.1:0 " + store_args;
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* f = ::fdopen(out[0], "r");
    char line[512];
    while (std::fgets(line, sizeof line, f) != nullptr) {
      std::string text(line);
      auto at = text.find("127.0.0.1:");
      if (text.find("serving") != std::string::npos && at != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoi(text.substr(at + 10)));
        break;
      }
    }
    out_ = f;  // keep the pipe open so the server's later lines do not fail
  }
  ~ServeProcess() { Stop(SIGTERM); }

  void Stop(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (out_ != nullptr) ::fclose(out_);
    out_ = nullptr;
  }

  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  FILE* out_ = nullptr;
};

struct Reply {
  int status = 0;
  json body;
};

Reply Call(std::uint16_t port, const std::string& method, const std::string& target,
           const std::string& token, const std::optional<json>& body = std::nullopt) {
  http::testing::TestClient client(port);
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
  std::string text;
  if (body) {
    text = body->dump();
    headers.push_back({"Content-Type", "application/json"});
  }
  auto raw = client.Call(method, target, text, headers);
  Reply r;
  if (!raw) return r;
  r.status = raw->status;
  r.body = json::parse(raw->body, nullptr, false);
  return r;
}

// A city of one street paired with one unit, `members` members in one branch, and a request
// with one shift of `headcount` places tomorrow. Returns the admin token and the shift id.
struct City {
  std::string token;
  std::int64_t shift = 0;
  std::vector<std::int64_t> members;
};

City BuildCity(std::uint16_t port, int members, int headcount) {
  City city;
  Reply login = Call(port, "POST", "/api/v1/session", "", json{{"username", "admin"}, {"password", kPassword}});
  EXPECT_EQ(login.status, 200);
  city.token = login.body.value("token", "");
  auto create = [&](const std::string& path, const json& body) {
    Reply r = Call(port, "POST", path, city.token, body);
    EXPECT_EQ(r.status, 201) << path << " " << r.body.dump();
    return r.body.value("id", std::int64_t{0});
  };
  std::int64_t district = create("/api/v1/districts", {{"name", "罗湖区"}});
  std::int64_t street = create("/api/v1/streets", {{"district_id", district}, {"name", "黄贝街道"}, {"kind", "street"}});
  std::int64_t community = create("/api/v1/communities", {{"street_id", street}, {"name", "新谊社区"}, {"kind", "community"}});
  std::int64_t site = create("/api/v1/sites", {{"community_id", community}, {"name", "采样点"}, {"kind", "sampling"},
                                               {"lat", 22.55}, {"lon", 114.12}, {"risk", "normal"}});
  std::int64_t unit = create("/api/v1/units", {{"name", "市委党校"}, {"kind", "agency"}});
  create("/api/v1/branches", {{"unit_id", unit}, {"name", "第一党支部"}});
  EXPECT_EQ(Call(port, "PUT", "/api/v1/streets/" + std::to_string(street) + "/pairing", city.token,
                 json{{"unit_id", unit}}).status, 200);
  // Members through an import: one request instead of thousands.
  std::string csv = "name,phone,unit,branch\n";
  for (int i = 0; i < members; ++i) {
    csv += "成员" + std::to_string(i) + ",137" + std::to_string(10000000 + i) + ",市委党校,第一党支部\n";
  }
  {
    http::testing::TestClient client(port);
    auto raw = client.Call("POST", "/api/v1/members/import", csv,
                           {{"Authorization", "Bearer " + city.token}, {"Content-Type", "text/csv"}});
    EXPECT_TRUE(raw && raw->status == 200) << (raw ? raw->body : "no answer");
  }
  for (std::string cursor = "0";;) {
    Reply page = Call(port, "GET", "/api/v1/members?limit=500&cursor=" + cursor, city.token);
    for (const json& m : page.body["items"]) city.members.push_back(m["id"]);
    if (page.body["next"].is_null()) break;
    cursor = page.body["next"].get<std::string>();
  }
  EXPECT_EQ(static_cast<int>(city.members.size()), members);
  // Far in the future, so the test does not depend on today's date.
  Reply posted = Call(port, "POST", "/api/v1/requests", city.token,
                      json{{"shifts", {{{"site_id", site}, {"task", "checkpoint"},
                                        {"starts_at", "2099-01-13T08:00:00+08:00"},
                                        {"ends_at", "2099-01-13T12:00:00+08:00"},
                                        {"headcount", headcount}}}}});
  EXPECT_EQ(posted.status, 201) << posted.body.dump();
  city.shift = posted.body["shifts"][0]["id"];
  return city;
}

class ServeTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    std::ofstream(dir_.path() + "/pw") << kPassword;
    if (GetParam() == store::Backend::kPostgres) {
      store_args_ = "--pg '" + muster::testing::PgServer::Shared().CreateDatabase() + "' --key-file k.key";
    } else {
      store_args_ = "--db muster.db";
    }
    ASSERT_EQ(RunMuster("init " + store_args_, dir_.path()), 0);
    ASSERT_EQ(RunMuster("user add " + store_args_ + " --username admin --role city_admin --password-file pw",
                  dir_.path()), 0);
  }

  muster::testing::TempDir dir_;
  std::string store_args_;
};

// 2,000 concurrent sign-ups for a 50-place shift through two server processes sharing one
// database confirm exactly 50; no answer is a 5xx and no SQLITE_BUSY reaches a client.
TEST_P(ServeTest, TwoServersNeverOverbook) {
  ServeProcess a(store_args_, dir_.path());
  ServeProcess b(store_args_, dir_.path());
  ASSERT_NE(a.port(), 0);
  ASSERT_NE(b.port(), 0);
  City city = BuildCity(a.port(), 2000, 50);
  std::atomic<int> confirmed{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      std::uint16_t port = t % 2 == 0 ? a.port() : b.port();
      for (std::size_t i = t; i < city.members.size(); i += 16) {
        Reply r = Call(port, "POST", "/api/v1/shifts/" + std::to_string(city.shift) + "/signups",
                       city.token, json{{"member_id", city.members[i]}});
        if (r.status == 201) {
          ++confirmed;
        } else if (r.status == 409 && r.body["error"]["code"] == "shift_full") {
          ++full;
        } else {
          ++other;
          ADD_FAILURE() << r.status << " " << r.body.dump();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(confirmed.load(), 50);
  EXPECT_EQ(full.load(), 1950);
  EXPECT_EQ(other.load(), 0);
  Reply shift = Call(b.port(), "GET", "/api/v1/shifts/" + std::to_string(city.shift), city.token);
  EXPECT_EQ(shift.body["confirmed"], 50);
}

// SIGKILL in the middle of a burst: after a restart every acknowledged sign-up is there exactly
// once, nothing is over headcount, and (SQLite) the file passes its integrity check.
TEST_P(ServeTest, KillNineLosesNoAcknowledgedSignUp) {
  std::unique_ptr<ServeProcess> server = std::make_unique<ServeProcess>(store_args_, dir_.path());
  ASSERT_NE(server->port(), 0);
  const int headcount = 1500;
  City city = BuildCity(server->port(), 2000, headcount);
  std::mutex mu;
  std::vector<std::pair<std::int64_t, std::int64_t>> acknowledged;  // sign-up id, member
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const std::uint16_t port = server->port();
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < city.members.size() && !stop; i += 8) {
        Reply r = Call(port, "POST", "/api/v1/shifts/" + std::to_string(city.shift) + "/signups",
                       city.token, json{{"member_id", city.members[i]}});
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acknowledged.emplace_back(r.body["id"].get<std::int64_t>(), city.members[i]);
        }
      }
    });
  }
  // Kill it once a few hundred sign-ups are acknowledged.
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard lock(mu);
      if (acknowledged.size() >= 300) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->Stop(SIGKILL);
  stop = true;
  for (auto& th : threads) th.join();
  ASSERT_GE(acknowledged.size(), 300u);
  ASSERT_LT(acknowledged.size(), 2000u) << "the server finished before it was killed";

  server = std::make_unique<ServeProcess>(store_args_, dir_.path());
  ASSERT_NE(server->port(), 0);
  Reply login = Call(server->port(), "POST", "/api/v1/session", "", json{{"username", "admin"}, {"password", kPassword}});
  const std::string token = login.body.value("token", "");
  std::map<std::int64_t, int> seen;  // member -> confirmed places
  for (std::string cursor = "0";;) {
    Reply page = Call(server->port(), "GET", "/api/v1/shifts/" + std::to_string(city.shift) + "/roster", token);
    for (const json& e : page.body["items"]) {
      if (e["status"] == "confirmed") ++seen[e["member_id"].get<std::int64_t>()];
    }
    break;
  }
  for (const auto& [id, member] : acknowledged) {
    EXPECT_EQ(seen[member], 1) << "sign-up " << id << " of member " << member;
  }
  Reply shift = Call(server->port(), "GET", "/api/v1/shifts/" + std::to_string(city.shift), token);
  EXPECT_LE(shift.body["confirmed"].get<int>(), headcount);
  EXPECT_EQ(shift.body["confirmed"].get<std::size_t>(), seen.size());
  server->Stop(SIGTERM);

  if (GetParam() == store::Backend::kSqlite) {
    auto store = store::OpenSqlite({.path = dir_.path() + "/muster.db"});
    ASSERT_TRUE(store.ok());
    std::string check;
    ASSERT_TRUE((*store)->Read([&](store::Transaction& tx) {
      return tx.Query("PRAGMA integrity_check", [&](const store::Row& r) {
        check = r.String(0);
        return Ok();
      });
    }).ok());
    EXPECT_EQ(check, "ok");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

}  // namespace
}  // namespace muster
