// The muster binary as a person runs it: exit codes, messages, files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "support/pg_server.h"
#include "support/test_store.h"

namespace muster {
namespace {

struct CommandRun {
  int status = -1;
  std::string output;  // stdout and stderr together
};

CommandRun Muster(const std::string& args, const std::string& cwd) {
  std::string command = "cd '" + cwd + "' && '" MUSTER_BINARY "' " + args + " 2>&1";
  CommandRun r;
  FILE* p = ::popen(command.c_str(), "r");
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int raw = ::pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(dir_.path() + "/regions.csv", "district,street,community\n罗湖区,黄贝街道,新谊社区\n");
    Write(dir_.path() + "/units.csv", "unit,kind\n市委党校,agency\n");
    Write(dir_.path() + "/departments.csv", "unit,department\n市委党校,办公室\n");
    Write(dir_.path() + "/members.csv",
          "name,phone,unit,department,id_number\n张三,13812345678,市委党校,办公室,11010519491231002X\n");
    Write(dir_.path() + "/pairings.csv",
          "street,community,unit,department\n黄贝街道,,市委党校,\n黄贝街道,新谊社区,市委党校,办公室\n");
  }
  std::string Files() { return "regions.csv units.csv departments.csv members.csv pairings.csv"; }

  muster::testing::TempDir dir_;
};

TEST_F(CliTest, HelpListsEveryCommand) {
  CommandRun r = Muster("--help", dir_.path());
  EXPECT_EQ(r.status, 0);
  for (const char* c : {"init", "import", "export", "dispatch", "demo", "serve"}) {
    EXPECT_NE(r.output.find(c), std::string::npos) << c;
    CommandRun sub = Muster(std::string(c) + " --help", dir_.path());
    EXPECT_EQ(sub.status, 0) << c << ": " << sub.output;
    EXPECT_NE(sub.output.find("usage"), std::string::npos) << c;
  }
  EXPECT_EQ(Muster("", dir_.path()).status, 2);
  EXPECT_EQ(Muster("frobnicate", dir_.path()).status, 2);
}

TEST_F(CliTest, InitCreatesDatabaseAndPrivateKey) {
  CommandRun r = Muster("init", dir_.path());
  ASSERT_EQ(r.status, 0) << r.output;
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() + "/muster.db.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Muster("init", dir_.path()).status, 0);  // idempotent
}

TEST_F(CliTest, ImportTwiceChangesNothingTheSecondTime) {
  ASSERT_EQ(Muster("init", dir_.path()).status, 0);
  CommandRun first = Muster("import " + Files(), dir_.path());
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("members: 1 created"), std::string::npos) << first.output;
  CommandRun second = Muster("import " + Files(), dir_.path());
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_NE(second.output.find("members: 0 created, 0 updated, 1 unchanged"), std::string::npos);
}

TEST_F(CliTest, BadRowsAreListedAndNothingIsImported) {
  ASSERT_EQ(Muster("init", dir_.path()).status, 0);
  Write(dir_.path() + "/members.csv",
        "name,phone,unit\n张三,13812345678,市委党校\n王五,12812345678,市委党校\n");
  CommandRun r = Muster("import " + Files(), dir_.path());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("members:3: phone:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nothing was imported"), std::string::npos);
  CommandRun exported = Muster("export --out out", dir_.path());
  ASSERT_EQ(exported.status, 0) << exported.output;
  std::ifstream units(dir_.path() + "/out/units.csv");
  std::stringstream text;
  text << units.rdbuf();
  EXPECT_EQ(text.str().find("市委党校"), std::string::npos);  // nothing was imported
}

TEST_F(CliTest, ExportMasksUnlessAskedAndWritesXlsx) {
  ASSERT_EQ(Muster("init", dir_.path()).status, 0);
  ASSERT_EQ(Muster("import " + Files(), dir_.path()).status, 0);
  ASSERT_EQ(Muster("export --out masked", dir_.path()).status, 0);
  std::ifstream masked(dir_.path() + "/masked/members.csv");
  std::stringstream text;
  text << masked.rdbuf();
  EXPECT_NE(text.str().find("138****5678"), std::string::npos);
  EXPECT_EQ(text.str().find("11010519491231002X"), std::string::npos);
  ASSERT_EQ(Muster("export --with-personal-data --out city.xlsx", dir_.path()).status, 0);
  // The workbook imports back into a new database unchanged.
  CommandRun back = Muster("import --db copy.db --key-file muster.db.key city.xlsx", dir_.path());
  EXPECT_EQ(back.status, 0) << back.output;
  EXPECT_NE(back.output.find("members: 1 created"), std::string::npos) << back.output;
}

TEST_F(CliTest, FailuresAreOneClearLine) {
  CommandRun unknown = Muster("import --colour red units.csv", dir_.path());
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.output.find("unknown option --colour"), std::string::npos);
  CommandRun no_key = Muster("import --db fresh.db units.csv", dir_.path());
  EXPECT_EQ(no_key.status, 1);
  EXPECT_NE(no_key.output.find("muster init"), std::string::npos) << no_key.output;
  CommandRun missing = Muster("import nope.csv", dir_.path());
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output.find("cannot read nope.csv"), std::string::npos);
  CommandRun both = Muster("init --db a.db --pg 'host=/nonexistent'", dir_.path());
  EXPECT_EQ(both.status, 2);
  // serve reads --sync like every command, from the flag, MUSTER_SYNC or its configuration file,
  // and refuses a value it does not know before listening anywhere.
  CommandRun sync = Muster("serve --listen 127.0.0.1:0 --sync sometimes", dir_.path());
  EXPECT_EQ(sync.status, 2) << sync.output;
  EXPECT_NE(sync.output.find("sync"), std::string::npos) << sync.output;
  Write(dir_.path() + "/muster.conf", "listen = 127.0.0.1:0\nsync = often\n");
  CommandRun from_file = Muster("serve --config muster.conf", dir_.path());
  EXPECT_EQ(from_file.status, 2) << from_file.output;
  EXPECT_NE(from_file.output.find("sync"), std::string::npos) << from_file.output;
  Write(dir_.path() + "/typo.conf", "listen = 127.0.0.1:0\nlisten_port = 8081\n");
  CommandRun typo = Muster("serve --config typo.conf", dir_.path());
  EXPECT_EQ(typo.status, 2) << typo.output;
  EXPECT_NE(typo.output.find("unknown setting listen_port"), std::string::npos) << typo.output;
}

TEST_F(CliTest, DemoBuildsALabelledCityAndNeverTouchesARealDatabase) {
  CommandRun first = Muster("demo --no-serve --members 300", dir_.path());
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("synthetic"), std::string::npos);
  EXPECT_NE(first.output.find("members: 300"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("communities"), std::string::npos);
  // The outbreak of 1-16 January 2022 is played into the records.
  EXPECT_NE(first.output.find("outbreak of 2022-01-01 to 2022-01-16 played"), std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("check-ins: "), std::string::npos) << first.output;
  EXPECT_EQ(first.output.find("check-ins: 0 "), std::string::npos) << first.output;
  // ... and the sentence the city publishes is read back from those records.
  EXPECT_NE(first.output.find("2022年1月1日至16日，全市"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("From 1 to 16 January 2022"), std::string::npos) << first.output;
  CommandRun again = Muster("demo --no-serve --members 300", dir_.path());  // rebuilt from scratch
  EXPECT_EQ(again.status, 0) << again.output;
  auto figures = [](const std::string& out) { return out.substr(out.find("outbreak of"), out.find("\nin ") - out.find("outbreak of")); };
  EXPECT_EQ(figures(again.output), figures(first.output));  // the same seed, the same outbreak
  CommandRun bare = Muster("demo --no-serve --no-outbreak --members 300", dir_.path());
  EXPECT_EQ(bare.status, 0) << bare.output;
  EXPECT_EQ(bare.output.find("outbreak of"), std::string::npos) << bare.output;
  ASSERT_EQ(Muster("init", dir_.path()).status, 0);
  CommandRun refused = Muster("demo --no-serve --db muster.db", dir_.path());
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.output.find("not a demo city"), std::string::npos) << refused.output;
}

TEST_F(CliTest, WorksOnPostgresToo) {
  std::string conninfo = muster::testing::PgServer::Shared().CreateDatabase();
  std::string pg = "--pg '" + conninfo + "' --key-file pg.key ";
  ASSERT_EQ(Muster("init " + pg, dir_.path()).status, 0);
  CommandRun first = Muster("import " + pg + Files(), dir_.path());
  ASSERT_EQ(first.status, 0) << first.output;
  CommandRun second = Muster("import " + pg + Files(), dir_.path());
  EXPECT_NE(second.output.find("members: 0 created, 0 updated, 1 unchanged"), std::string::npos)
      << second.output;
}

}  // namespace
}  // namespace muster
