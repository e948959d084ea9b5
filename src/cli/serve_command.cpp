#include "cli/serve_command.h"

#include <algorithm>
#include <pthread.h>

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "api/api.h"
#include "app/accounts.h"
#include "app/audit.h"
#include "app/notifications.h"
#include "app/registry.h"
#include "app/workflow.h"
#include "cli/context.h"
#include "http/event_hub.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/static_files.h"
#include "notify/deliverer.h"
#include "notify/event_tail.h"

namespace muster::cli {
namespace {

namespace fs = std::filesystem;

int Fail(std::ostream& err, const std::string& command, const Error& e) {
  err << "muster " << command << ": " << e.ToString() << "\n";
  return e.code == ErrorCode::kBadRequest || e.code == ErrorCode::kValidationFailed ? 2 : 1;
}

// Reads `key = value` lines (# comments) of a configuration file.
Result<std::map<std::string, std::string>> ReadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return BadRequest("cannot read configuration file " + path, "config");
  std::map<std::string, std::string> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t\r"));
      s.erase(s.find_last_not_of(" \t\r") + 1);
      return s;
    };
    line = trim(line);
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      return BadRequest(path + ":" + std::to_string(n) + ": expected key = value", "config");
    }
    out[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return out;
}

// One setting: the flag, else the environment variable, else the configuration file.
std::optional<std::string> Setting(const Args& args, const std::map<std::string, std::string>& file,
                                   const std::string& name, const char* env) {
  if (auto v = args.Get(name)) return v;
  if (const char* e = std::getenv(env); e != nullptr && *e != '\0') return std::string(e);
  if (auto it = file.find(name); it != file.end()) return it->second;
  return std::nullopt;
}

Result<std::pair<std::string, std::uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return BadRequest("--listen takes HOST:PORT", "listen");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) return BadRequest("--listen: the port must be 0-65535", "listen");
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

// The built web interface: --web, else web/dist beside the binary's build tree or the folder.
std::optional<fs::path> FindWebRoot(const std::optional<std::string>& configured) {
  if (configured) return fs::path(*configured);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path candidate : {exe.parent_path() / "web" / "dist", exe.parent_path() / ".." / "web" / "dist",
                             fs::path("web") / "dist"}) {
    if (fs::exists(candidate / "index.html", ec)) return candidate;
  }
  return std::nullopt;
}

constexpr char kServeHelp[] =
    "usage: muster serve [options]\n"
    "Serves the API and the web interface; prints the address it listens on; stops cleanly on\n"
    "SIGTERM or SIGINT, finishing the requests in flight.\n"
    "  --listen HOST:PORT   address (default 127.0.0.1:8080; port 0 picks a free one)\n"
    "  --db PATH | --pg CONNINFO | --key-file PATH   as for every command\n"
    "  --sync normal|full   SQLite: what an acknowledged write survives (docs/operations.md)\n"
    "  --web DIR            built web interface (default: web/dist of the build)\n"
    "  --secure-cookies     behind a TLS proxy: __Host- session cookie, Secure\n"
    "  --public-url URL     where phones reach this server, for check-in QR codes and\n"
    "                       calendar links (default http://HOST:PORT of --listen)\n"
    "  --config FILE        key = value lines with the same names (listen, db, pg, key-file,\n"
    "                       sync, web, secure-cookies, public-url); flags win over MUSTER_*\n"
    "                       variables (MUSTER_LISTEN, MUSTER_DB, MUSTER_PG, MUSTER_KEY_FILE,\n"
    "                       MUSTER_SYNC, MUSTER_WEB, MUSTER_PUBLIC_URL),\n"
    "                       which win over the file\n";

}  // namespace

int RunServe(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  for (const auto& a : argv) {
    if (a == "--help" || a == "-h") {
      out << kServeHelp;
      return 0;
    }
  }
  Args args;
  AddStoreOptions(args);
  args.Option("listen").Option("web").Option("config").Option("public-url").Flag("secure-cookies");
  if (Status s = args.Parse(argv); !s.ok()) return Fail(err, "serve", s.error());
  std::map<std::string, std::string> file;
  if (auto path = args.Get("config")) {
    auto read = ReadConfig(*path);
    if (!read.ok()) return Fail(err, "serve", read.error());
    file = std::move(read).value();
    for (const auto& [key, value] : file) {
      static const std::set<std::string> kKnown = {"listen", "db",  "pg",  "key-file",
                                                   "sync",   "web", "secure-cookies",
                                                   "public-url"};
      if (!kKnown.count(key)) {
        return Fail(err, "serve", BadRequest(*path + ": unknown setting " + key, key));
      }
    }
  }
  StoreTarget target{Setting(args, file, "db", "MUSTER_DB"), Setting(args, file, "pg", "MUSTER_PG"),
                     Setting(args, file, "key-file", "MUSTER_KEY_FILE"),
                     Setting(args, file, "sync", "MUSTER_SYNC")};
  if (target.db && target.pg) return Fail(err, "serve", BadRequest("give either db or pg, not both", "pg"));
  if (!target.db && !target.pg) target.db = "muster.db";
  auto listen = ParseListen(Setting(args, file, "listen", "MUSTER_LISTEN").value_or("127.0.0.1:8080"));
  if (!listen.ok()) return Fail(err, "serve", listen.error());
  auto ctx = OpenTarget(target, /*create_key=*/true);
  if (!ctx.ok()) return Fail(err, "serve", ctx.error());

  app::Registry registry(*(*ctx)->store, *(*ctx)->keys, (*ctx)->clock);
  app::Accounts accounts(*(*ctx)->store, (*ctx)->clock);
  app::AuditLog audit(*(*ctx)->store, (*ctx)->clock);
  bool secure = args.Has("secure-cookies");
  if (auto it = file.find("secure-cookies"); it != file.end() && !secure) {
    if (it->second == "yes" || it->second == "true" || it->second == "1") {
      secure = true;
    } else if (it->second != "no" && it->second != "false" && it->second != "0") {
      return Fail(err, "serve", BadRequest("secure-cookies takes yes or no", "secure-cookies"));
    }
  }
  app::WorkflowOptions workflow_options;
  workflow_options.public_url =
      Setting(args, file, "public-url", "MUSTER_PUBLIC_URL")
          .value_or(listen->second == 0 ? std::string()  // a free port: links stay relative
                                        : "http://" + listen->first + ":" +
                                              std::to_string(listen->second));
  while (workflow_options.public_url.ends_with('/')) workflow_options.public_url.pop_back();
  app::Workflow workflow(*(*ctx)->store, *(*ctx)->keys, (*ctx)->clock, workflow_options);
  app::Notifications notifications(*(*ctx)->store, *(*ctx)->keys, (*ctx)->clock);
  http::EventHub events;
  api::ApiContext api_ctx{
      registry, accounts, audit, (*ctx)->clock, workflow, notifications, events, secure};
  http::Metrics metrics;
  http::Router router;
  http::RegisterBuiltinRoutes(router, metrics);
  api::RegisterApiRoutes(router, api_ctx);
  auto web = FindWebRoot(Setting(args, file, "web", "MUSTER_WEB"));
  if (web) router.SetFallback(http::StaticFiles::MakeHandler(*web));

  http::ServerOptions options;
  options.host = listen->first;
  options.port = listen->second;
  options.metrics = &metrics;
  options.clock = &(*ctx)->clock;
  options.access_log = [](std::string_view line) { std::clog << line << '\n'; };
  options.error_log = [](std::string_view line) { std::clog << line << '\n'; };

  // Block the stop signals before the server's threads start, so that only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  http::Server server(router, options);
  if (Status s = server.Start(); !s.ok()) return Fail(err, "serve", s.error());
  out << "muster: serving " << (*ctx)->description << " on " << server.address()
      << (web ? "" : " (API only: the web interface is not built)") << std::endl;
  // Delivery of the outbox: webhooks, and live events for the pages this process serves.
  auto notify_log = [](std::string_view line) { std::clog << line << std::endl; };
  notify::CurlTransport transport;
  notify::Deliverer deliverer(*(*ctx)->store, *(*ctx)->keys, (*ctx)->clock, transport, {},
                              notify_log);
  notify::EventTail tail(
      *(*ctx)->store, (*ctx)->clock,
      [&events](const notify::LiveEvent& e) {
        api::DeliverLiveEvent(events, e.kind, e.payload, e.topic);
      },
      {}, notify_log);
  deliverer.Start();
  tail.Start();
  // The workflow's clock-driven work (escalations, reminders, closing turns, no-shows): at once,
  // which catches up after a restart, then every few seconds.
  std::mutex sweep_mu;
  std::condition_variable sweep_cv;
  bool stopping = false;
  std::thread sweeper([&] {
    std::unique_lock lock(sweep_mu);
    while (!stopping) {
      lock.unlock();
      if (auto r = workflow.Sweep(); !r.ok()) {
        std::clog << "muster: workflow sweep: " << r.error().ToString() << std::endl;
      }
      lock.lock();
      sweep_cv.wait_for(lock, std::chrono::seconds(5), [&] { return stopping; });
    }
  });
  int signal = 0;
  sigwait(&stop, &signal);
  {
    std::lock_guard lock(sweep_mu);
    stopping = true;
  }
  sweep_cv.notify_all();
  sweeper.join();
  out << "muster: stopping (" << (signal == SIGTERM ? "SIGTERM" : "SIGINT") << ")" << std::endl;
  tail.Stop();
  deliverer.Stop();
  server.Stop();
  return 0;
}

int RunUser(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  if (argv.empty() || argv[0] != "add" ||
      std::find(argv.begin(), argv.end(), "--help") != argv.end()) {
    (argv.empty() || argv[0] != "add" ? err : out)
        << "usage: muster user add --username NAME --role ROLE [--scope ID] --password-file FILE\n"
           "Adds an account. ROLE is city_admin, unit_admin, branch_secretary,\n"
           "street_coordinator, community_coordinator or volunteer; --scope is the id of the\n"
           "unit, branch, street, community or member the role acts within. The password\n"
           "(12-128 characters) comes from FILE or $MUSTER_PASSWORD; there are no defaults.\n"
        << "  --db PATH | --pg CONNINFO | --key-file PATH   as for every command\n";
    return argv.empty() || argv[0] != "add" ? 2 : 0;
  }
  Args args;
  AddStoreOptions(args);
  args.Option("username").Option("role").Option("scope").Option("password-file");
  if (Status s = args.Parse(std::vector<std::string>(argv.begin() + 1, argv.end())); !s.ok()) {
    return Fail(err, "user add", s.error());
  }
  app::NewUser user;
  user.username = args.GetOr("username", "");
  auto role = app::ParseRole(args.GetOr("role", ""), "role");
  if (!role.ok()) return Fail(err, "user add", role.error());
  user.role = *role;
  if (auto scope = args.Get("scope")) {
    try {
      user.scope_id = std::stoll(*scope);
    } catch (const std::exception&) {
      return Fail(err, "user add", BadRequest("--scope takes an id", "scope"));
    }
  }
  if (auto file = args.Get("password-file")) {
    std::ifstream in(*file);
    if (!in) return Fail(err, "user add", BadRequest("cannot read " + *file, "password-file"));
    std::getline(in, user.password);
  } else if (const char* env = std::getenv("MUSTER_PASSWORD")) {
    user.password = env;
  } else {
    return Fail(err, "user add", BadRequest("give --password-file or set MUSTER_PASSWORD", "password"));
  }
  auto ctx = OpenContext(args, /*create_key=*/true);
  if (!ctx.ok()) return Fail(err, "user add", ctx.error());
  app::Accounts accounts(*(*ctx)->store, (*ctx)->clock);
  auto added = accounts.AddUser(app::Actor::System(), user);
  if (!added.ok()) return Fail(err, "user add", added.error());
  out << "added " << app::Name(added->role) << " " << added->username << " (id " << added->id.value
      << ")\n";
  return 0;
}

}  // namespace muster::cli
