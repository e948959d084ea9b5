// The statistics over HTTP: summary and sentence, breakdowns, scope, paging, query errors and
// the exports.
#include "api/api_fixture.h"

namespace muster::api {
namespace {

using nlohmann::json;

class StatsApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    BuildCity();
    AddUser("street0", app::Role::kStreetCoordinator, street_[0]);
    AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
    AddUser("vol0", app::Role::kVolunteer, member_[0]);
    // The clock is 2022-01-12 08:00 +08:00. A shift of 3 places at site 0 from 09:00 to 12:00;
    // the coordinator records two turns: member 0 (unit 0, party member) 09:00-10:20 and
    // member 1 (unit 1) 09:00-10:10.
    const std::string street = Login("street0");
    Reply posted = Call("POST", "/api/v1/requests", street,
                        json{{"note", "缺人手"},
                             {"urgent", false},
                             {"shifts", json::array({{{"site_id", site_[0]},
                                                      {"task", "checkpoint"},
                                                      {"starts_at", "2022-01-12T09:00:00+08:00"},
                                                      {"ends_at", "2022-01-12T12:00:00+08:00"},
                                                      {"headcount", 3}}})}});
    ASSERT_EQ(posted.status, 201) << posted.raw.body;
    shift_ = posted.body["shifts"][0]["id"];
    clock_.Set(*ParseRfc3339("2022-01-12T11:00:00+08:00", "t"));
    admin_ = Login("admin");
    street_token_ = Login("street0");
    unit_token_ = Login("unit0");
    vol0_ = Login("vol0");
    for (auto [member, out] : {std::pair{member_[0], "2022-01-12T10:20:00+08:00"},
                               std::pair{member_[1], "2022-01-12T10:10:00+08:00"}}) {
      Reply r = Call("POST", "/api/v1/attendance", street_token_,
                     json{{"shift_id", shift_},
                          {"member_id", member},
                          {"checked_in_at", "2022-01-12T09:00:00+08:00"},
                          {"checked_out_at", out}});
      ASSERT_EQ(r.status, 201) << r.raw.body;
    }
  }

  std::int64_t shift_ = 0;
  std::string street_token_, unit_token_, vol0_;
};

constexpr const char* kDay = "from=2022-01-12&to=2022-01-12";

TEST_F(StatsApiTest, SummaryAnswersTheFiguresOfThePeriod) {
  Reply r = Call("GET", std::string("/api/v1/stats/summary?") + kDay, admin_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const json expected = {{"from", "2022-01-12"},
                         {"to", "2022-01-12"},
                         {"units", 2},
                         {"branches", 2},
                         {"members", 2},
                         {"person_times", 2},
                         {"party_member_person_times", 2},
                         {"hours", 2.5},
                         {"record_hours", 2.5},
                         {"streets", 1},
                         {"communities", 1},
                         {"requests",
                          {{"shifts", 1},
                           {"headcount", 3},
                           {"filled", 0},
                           {"fill_rate", 0.0},
                           {"median_minutes_to_fill", nullptr}}}};
  EXPECT_EQ(r.body, expected);
}

TEST_F(StatsApiTest, SummaryAsTextIsThePublishedSentence) {
  Reply zh = Call("GET", std::string("/api/v1/stats/summary?") + kDay + "&format=text", admin_);
  ASSERT_EQ(zh.status, 200);
  EXPECT_TRUE(zh.raw.Header("Content-Type").value_or("").starts_with("text/plain"));
  EXPECT_EQ(zh.raw.body,
            "2022年1月12日，全市2个市直单位2个党支部派出2人次党员干部，下沉1个挂点联系社区。\n");
  Reply en =
      Call("GET", std::string("/api/v1/stats/summary?") + kDay + "&format=text&lang=en", admin_);
  ASSERT_EQ(en.status, 200);
  EXPECT_EQ(en.raw.body,
            "On 12 January 2022, 2 municipal units and 2 Party branches of the city sent "
            "Party-member cadres on 2 person-times to 1 paired community.\n");
  Reply mine = Call("GET", std::string("/api/v1/stats/summary?") + kDay + "&format=text", vol0_);
  EXPECT_EQ(mine.raw.body, "2022年1月12日，成员0参加服务1人次、1.33小时。\n");
  EXPECT_EQ(
      Call("GET", std::string("/api/v1/stats/summary?") + kDay + "&format=text&lang=fr", admin_)
          .body["error"]["field"],
      "lang");
  EXPECT_EQ(Call("GET", std::string("/api/v1/stats/summary?") + kDay + "&format=pdf", admin_)
                .body["error"]["field"],
            "format");
}

TEST_F(StatsApiTest, BreakdownsNameTheirRowsAndPage) {
  Reply units = Call("GET", std::string("/api/v1/stats/by-unit?") + kDay, admin_);
  ASSERT_EQ(units.status, 200) << units.raw.body;
  ASSERT_EQ(units.body["items"].size(), 2u);
  EXPECT_EQ(units.body["items"][0]["unit_id"], unit_[0]);
  EXPECT_EQ(units.body["items"][0]["unit_name"], "单位0");
  EXPECT_EQ(units.body["items"][0]["person_times"], 1);
  EXPECT_EQ(units.body["items"][0]["hours"], 1.33);
  EXPECT_EQ(units.body["items"][0]["record_hours"], 1.5);
  EXPECT_FALSE(units.body["items"][0].contains("requests"));
  EXPECT_EQ(units.body["next"], nullptr);

  Reply page = Call("GET", std::string("/api/v1/stats/by-unit?") + kDay + "&limit=1", admin_);
  ASSERT_EQ(page.body["items"].size(), 1u);
  ASSERT_TRUE(page.body["next"].is_string());
  Reply rest = Call("GET",
                    std::string("/api/v1/stats/by-unit?") + kDay +
                        "&limit=1&cursor=" + page.body["next"].get<std::string>(),
                    admin_);
  ASSERT_EQ(rest.body["items"].size(), 1u);
  EXPECT_EQ(rest.body["items"][0]["unit_id"], unit_[1]);

  Reply days = Call("GET", "/api/v1/stats/by-day?from=2022-01-11&to=2022-01-13", admin_);
  ASSERT_EQ(days.status, 200);
  ASSERT_EQ(days.body["items"].size(), 1u);
  EXPECT_EQ(days.body["items"][0]["date"], "2022-01-12");
  EXPECT_EQ(days.body["items"][0]["requests"]["headcount"], 3);

  Reply communities = Call("GET", std::string("/api/v1/stats/by-community?") + kDay, admin_);
  ASSERT_EQ(communities.body["items"].size(), 1u);
  EXPECT_EQ(communities.body["items"][0]["community_id"], community_[0]);
  EXPECT_EQ(communities.body["items"][0]["community_name"], "社区0");
  EXPECT_EQ(communities.body["items"][0]["units"], 2);
  Reply branches = Call("GET", std::string("/api/v1/stats/by-branch?") + kDay, admin_);
  EXPECT_EQ(branches.body["items"].size(), 2u);
  Reply streets = Call("GET", std::string("/api/v1/stats/by-street?") + kDay, admin_);
  ASSERT_EQ(streets.body["items"].size(), 1u);
  EXPECT_EQ(streets.body["items"][0]["street_name"], "街道0");
}

TEST_F(StatsApiTest, EachRoleSeesTheFiguresOfItsScope) {
  Reply unit = Call("GET", std::string("/api/v1/stats/by-unit?") + kDay, unit_token_);
  ASSERT_EQ(unit.status, 200);
  ASSERT_EQ(unit.body["items"].size(), 1u);
  EXPECT_EQ(unit.body["items"][0]["unit_id"], unit_[0]);
  Reply summary = Call("GET", std::string("/api/v1/stats/summary?") + kDay, unit_token_);
  EXPECT_EQ(summary.body["person_times"], 1);
  Reply street = Call("GET", std::string("/api/v1/stats/by-street?") + kDay, street_token_);
  ASSERT_EQ(street.body["items"].size(), 1u);
  EXPECT_EQ(street.body["items"][0]["person_times"], 2);  // both units served his street
  Reply mine = Call("GET", std::string("/api/v1/stats/summary?") + kDay, vol0_);
  EXPECT_EQ(mine.body["person_times"], 1);
  EXPECT_EQ(mine.body["requests"], nullptr);
  EXPECT_EQ(Call("GET", std::string("/api/v1/stats/summary?") + kDay, "").status, 401);
}

TEST_F(StatsApiTest, QueryErrorsNameTheParameter) {
  struct Case {
    std::string query;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {"to=2022-01-12", 400, "from"},
      {"from=2022-01-12", 400, "to"},
      {"from=2022-13-01&to=2022-01-12", 400, "from"},
      {"from=2022-01-12&to=yesterday", 400, "to"},
      {"from=2022-01-12&to=2022-01-11", 422, "to"},
      {"from=2022-01-12&to=2022-01-12&limit=0", 400, "limit"},
  };
  for (const Case& c : cases) {
    for (const char* route : {"summary", "by-unit", "by-day"}) {
      Reply r = Call("GET", std::string("/api/v1/stats/") + route + "?" + c.query, admin_);
      if (std::string(c.field) == "limit" && std::string(route) == "summary") continue;
      EXPECT_EQ(r.status, c.status) << route << "?" << c.query << ": " << r.raw.body;
      EXPECT_EQ(r.body["error"]["field"], c.field) << route << "?" << c.query;
    }
  }
  Reply r = Call("GET", "/api/v1/exports/attendance.csv?from=2022-01-12", admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["field"], "to");
}

TEST_F(StatsApiTest, AttendanceExportsAreFilesWithMaskedPhonesAndAudited) {
  Reply csv =
      Call("GET", std::string("/api/v1/exports/attendance.csv?") + kDay + "&lang=en", admin_);
  ASSERT_EQ(csv.status, 200) << csv.raw.body;
  EXPECT_TRUE(csv.raw.Header("Content-Type").value_or("").starts_with("text/csv"));
  EXPECT_EQ(csv.raw.Header("Content-Disposition").value_or(""),
            "attachment; filename=\"attendance-2022-01-12-2022-01-12.csv\"");
  ASSERT_TRUE(
      csv.raw.body.starts_with("\xEF\xBB\xBF"
                               "date,unit,branch,member,phone,"));
  EXPECT_NE(csv.raw.body.find("2022-01-12,单位0,第一党支部,成员0,138****5670,街道0,社区0,采样点0,"
                              "2022-01-12 09:00:00,2022-01-12 10:20:00,1.33,1.5\r\n"),
            std::string::npos)
      << csv.raw.body;
  Reply zh = Call("GET", std::string("/api/v1/exports/attendance.csv?") + kDay, unit_token_);
  ASSERT_EQ(zh.status, 200);
  EXPECT_TRUE(zh.raw.body.starts_with("\xEF\xBB\xBF日期,单位,"));
  EXPECT_EQ(zh.raw.body.find("成员1"), std::string::npos);  // another unit's member
  Reply xlsx = Call("GET", std::string("/api/v1/exports/attendance.xlsx?") + kDay, admin_);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.raw.Header("Content-Type").value_or(""),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_TRUE(xlsx.raw.body.starts_with("PK"));
  const std::int64_t audited =
      store_
          ->Read([](store::Transaction& tx) {
            return tx.QueryInt(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object = "
                "'attendance'",
                {});
          })
          ->value_or(0);
  EXPECT_EQ(audited, 3);
}

TEST_F(StatsApiTest, FigureExportsGiveEachBreakdown) {
  Reply csv =
      Call("GET", std::string("/api/v1/exports/stats.csv?") + kDay + "&by=unit&lang=en", admin_);
  ASSERT_EQ(csv.status, 200) << csv.raw.body;
  EXPECT_TRUE(
      csv.raw.body.starts_with("\xEF\xBB\xBF"
                               "id,unit,units,branches,members,"));
  EXPECT_NE(csv.raw.body.find(",单位1,1,1,1,1,1,1.17,1,1,1\r\n"), std::string::npos)
      << csv.raw.body;
  Reply summary =
      Call("GET", std::string("/api/v1/exports/stats.csv?") + kDay + "&by=summary", admin_);
  ASSERT_EQ(summary.status, 200);
  EXPECT_NE(summary.raw.body.find("通报,2022年1月12日，全市"), std::string::npos)
      << summary.raw.body;
  Reply all = Call("GET", std::string("/api/v1/exports/stats.xlsx?") + kDay, admin_);
  ASSERT_EQ(all.status, 200);
  EXPECT_TRUE(all.raw.body.starts_with("PK"));
  EXPECT_EQ(Call("GET", std::string("/api/v1/exports/stats.csv?") + kDay, admin_).status, 400);
  EXPECT_EQ(Call("GET", std::string("/api/v1/exports/stats.csv?") + kDay + "&by=units", admin_)
                .body["error"]["field"],
            "by");
}

}  // namespace
}  // namespace muster::api
