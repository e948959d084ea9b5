// Starts or stops the throwaway PostgreSQL server that a whole CTest run shares:
//   muster_pg_fixture start STATE_FILE   start a server and describe it in STATE_FILE
//   muster_pg_fixture stop STATE_FILE    stop that server and remove its directory
#include <cstdio>
#include <exception>
#include <string>

#include "support/pg_server.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: muster_pg_fixture start|stop STATE_FILE\n");
    return 2;
  }
  std::string command = argv[1], state = argv[2];
  try {
    if (command == "start") {
      muster::testing::PgServer server(/*owned=*/false);
      server.Save(state);
      std::printf("PostgreSQL test server: %s\n", server.AdminConninfo().c_str());
      return 0;
    }
    if (command == "stop") {
      auto server = muster::testing::PgServer::Attach(state);
      server->Stop();
      std::remove(state.c_str());
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "muster_pg_fixture: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "unknown command %s\n", command.c_str());
  return 2;
}
