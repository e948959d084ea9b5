// `muster report` as a person runs it: the figures, the sentence, breakdowns, the recount check,
// and one-line failures.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite/sqlite_store.h"
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

class ReportTest : public ::testing::Test {
 protected:
  // A city of one unit paired with one street and community, and one member who served two
  // turns on 2022-01-12 (1 h 20 min, and one still open), written into the database as a
  // server would have.
  void SetUp() override {
    const std::string dir = dir_.path();
    std::ofstream(dir + "/regions.csv") << "district,street,community\n罗湖区,黄贝街道,新谊社区\n";
    std::ofstream(dir + "/units.csv") << "unit,kind\n市委党校,agency\n";
    std::ofstream(dir + "/departments.csv") << "unit,department\n市委党校,办公室\n";
    std::ofstream(dir + "/branches.csv") << "unit,branch\n市委党校,第一党支部\n";
    std::ofstream(dir + "/members.csv") << "name,phone,unit,department,branch,party_member\n"
                                           "张三,13812345678,市委党校,办公室,第一党支部,yes\n";
    ASSERT_EQ(Muster("init", dir).status, 0);
    CommandRun imported =
        Muster("import regions.csv units.csv departments.csv branches.csv members.csv", dir);
    ASSERT_EQ(imported.status, 0) << imported.output;
    auto store = store::OpenSqlite({dir + "/muster.db"});
    ASSERT_TRUE(store.ok());
    auto written = (*store)->Write([](store::Transaction& tx) -> Status {
      MUSTER_TRY(
          tx.Exec("INSERT INTO sites (community_id, name, kind, lat, lon, risk) SELECT id, "
                  "'采样点', 'sampling', 22.5, 114.1, 'normal' FROM communities"));
      MUSTER_TRY(
          tx.Exec("INSERT INTO requests (street_id, note, urgent, posted_at, escalates_at) "
                  "SELECT id, 'x', 0, 1641945600, 1641945600 FROM streets"));
      // 2022-01-12 09:00 to 12:00 +08:00, day 19004.
      MUSTER_TRY(
          tx.Exec("INSERT INTO shifts (request_id, site_id, community_id, street_id, task, "
                  "starts_at, ends_at, day, headcount, skills, priority, risk) SELECT "
                  "r.id, s.id, s.community_id, r.street_id, 'checkpoint', 1641949200, "
                  "1641960000, 19004, 2, '', 0, 'normal' FROM requests r, sites s"));
      MUSTER_TRY(
          tx.Exec("INSERT INTO shifts (request_id, site_id, community_id, street_id, task, "
                  "starts_at, ends_at, day, headcount, skills, priority, risk) SELECT "
                  "r.id, s.id, s.community_id, r.street_id, 'checkpoint', 1641963600, "
                  "1641970800, 19004, 2, '', 0, 'normal' FROM requests r, sites s"));
      MUSTER_TRY(
          tx.Exec("INSERT INTO attendance (shift_id, member_id, checked_in_at, "
                  "checked_out_at, source, day, unit_id, branch_id, party_member, "
                  "street_id, community_id) SELECT sh.id, m.id, sh.starts_at, CASE WHEN "
                  "sh.starts_at = 1641949200 THEN sh.starts_at + 4800 END, 'coordinator', "
                  "sh.day, m.unit_id, m.branch_id, m.party_member, sh.street_id, "
                  "sh.community_id FROM shifts sh, members m"));
      return Ok();
    });
    ASSERT_TRUE(written.ok()) << written.error().ToString();
  }

  muster::testing::TempDir dir_;
};

constexpr const char* kDay = " --from 2022-01-12 --to 2022-01-12";

TEST_F(ReportTest, SummaryPrintsTheFiguresAsJson) {
  CommandRun r = Muster(std::string("report summary") + kDay, dir_.path());
  ASSERT_EQ(r.status, 0) << r.output;
  auto j = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.output;
  EXPECT_EQ(j["person_times"], 2);
  EXPECT_EQ(j["party_member_person_times"], 2);
  EXPECT_EQ(j["members"], 1);
  EXPECT_EQ(j["hours"], 1.33);
  EXPECT_EQ(j["record_hours"], 1.5);
  EXPECT_EQ(j["requests"]["shifts"], 2);
  EXPECT_EQ(j["requests"]["headcount"], 4);
}

TEST_F(ReportTest, TextIsTheSentenceInEitherLanguage) {
  CommandRun zh = Muster(std::string("report summary --format text") + kDay, dir_.path());
  ASSERT_EQ(zh.status, 0) << zh.output;
  EXPECT_EQ(zh.output,
            "2022年1月12日，全市1个市直单位1个党支部派出2人次党员干部，下沉1个挂点联系社区。\n");
  CommandRun en = Muster(std::string("report summary --format text --lang en") + kDay, dir_.path());
  ASSERT_EQ(en.status, 0) << en.output;
  EXPECT_EQ(en.output,
            "On 12 January 2022, 1 municipal unit and 1 Party branch of the city sent "
            "Party-member cadres on 2 person-times to 1 paired community.\n");
}

TEST_F(ReportTest, BreakdownsAsJsonOrCsv) {
  CommandRun json = Muster(std::string("report by-unit") + kDay, dir_.path());
  ASSERT_EQ(json.status, 0) << json.output;
  auto rows = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << json.output;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["unit_name"], "市委党校");
  CommandRun csv = Muster(std::string("report by-day --format csv --lang en") + kDay, dir_.path());
  ASSERT_EQ(csv.status, 0) << csv.output;
  EXPECT_NE(csv.output.find("date,units,branches,members,person_times"), std::string::npos);
  EXPECT_NE(csv.output.find("2022-01-12,1,1,1,2,2,1.33,1.5,1,1,2,4,0,0,\r\n"), std::string::npos)
      << csv.output;
}

TEST_F(ReportTest, CheckRecountsEveryFigure) {
  CommandRun r = Muster("report check --from 2022-01-01 --to 2022-01-31", dir_.path());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("summary: same"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("by-community: 1 rows, same"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("DIFFERENT"), std::string::npos) << r.output;
}

TEST_F(ReportTest, FailuresAreOneClearLine) {
  CommandRun help = Muster("report --help", dir_.path());
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("usage: muster report"), std::string::npos);
  CommandRun no_to = Muster("report summary --from 2022-01-12", dir_.path());
  EXPECT_EQ(no_to.status, 2);
  EXPECT_NE(no_to.output.find("--to is required"), std::string::npos) << no_to.output;
  CommandRun order = Muster("report summary --from 2022-01-12 --to 2022-01-11", dir_.path());
  EXPECT_EQ(order.status, 2);
  EXPECT_NE(order.output.find("to: must not be before from"), std::string::npos) << order.output;
  CommandRun bad = Muster(std::string("report by-year") + kDay, dir_.path());
  EXPECT_EQ(bad.status, 2);
  CommandRun lang =
      Muster(std::string("report summary --format text --lang fr") + kDay, dir_.path());
  EXPECT_EQ(lang.status, 2);
  EXPECT_NE(lang.output.find("lang"), std::string::npos);
  CommandRun format = Muster(std::string("report summary --format csv") + kDay, dir_.path());
  EXPECT_EQ(format.status, 2);
  EXPECT_EQ(std::count(no_to.output.begin(), no_to.output.end(), '\n'), 1);
}

}  // namespace
}  // namespace muster
