#include "cli/dispatch_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace muster::cli {
namespace {

class DispatchCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dispatch_command_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  int Run(const std::vector<std::string>& args) { return RunDispatchCommand(args, out_, err_); }

  std::filesystem::path dir_;
  std::ostringstream out_, err_;
};

constexpr char kInstance[] = R"({"volunteers": [{"id": 1, "unit": 3, "home": [22.5431, 114.0579],
  "available": [["2022-01-12T08:00:00+08:00", "2022-01-12T22:00:00+08:00"]], "max_hours_per_day": 8}],
  "shifts": [{"id": 10, "site": [22.5480, 114.1310], "paired_unit": 3, "headcount": 1,
  "starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T12:00:00+08:00"}]})";

TEST_F(DispatchCommand, WritesThePlanToTheOutputFile) {
  std::string in = Write("instance.json", kInstance);
  std::string out = (dir_ / "plan.json").string();
  ASSERT_EQ(Run({"--in", in, "--out", out}), 0) << err_.str();
  std::ifstream plan(out);
  std::stringstream text;
  text << plan.rdbuf();
  EXPECT_NE(text.str().find(R"({"shift": 10, "volunteer": 1})"), std::string::npos);
  EXPECT_NE(text.str().find(R"("method": "flow_exact")"), std::string::npos);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(DispatchCommand, WritesToStandardOutputForDash) {
  std::string in = Write("instance.json", kInstance);
  ASSERT_EQ(Run({"--in", in, "--out", "-"}), 0);
  EXPECT_NE(out_.str().find("\"coverage\": 1"), std::string::npos);
}

TEST_F(DispatchCommand, RefusesAMalformedInstanceWithStatus2) {
  std::string text = kInstance;
  text.replace(text.find("\"ends_at\": \"2022-01-12T12"), 25, "\"ends_at\": \"2022-01-12T07");
  std::string in = Write("bad.json", text);
  EXPECT_EQ(Run({"--in", in, "--out", (dir_ / "plan.json").string()}), 2);
  EXPECT_NE(err_.str().find("shifts[0].ends_at: must be after starts_at"), std::string::npos)
      << err_.str();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "plan.json"));
}

TEST_F(DispatchCommand, RefusesBadJsonWithStatus2) {
  EXPECT_EQ(Run({"--in", Write("bad.json", "{\"shifts\": [}")}), 2);
  EXPECT_NE(err_.str().find("JSON"), std::string::npos);
}

TEST_F(DispatchCommand, PrintsHelp) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_NE(out_.str().find("--in"), std::string::npos);
}

TEST_F(DispatchCommand, RefusesUnknownArgumentsWithStatus2) {
  EXPECT_EQ(Run({"--fast"}), 2);
  EXPECT_EQ(Run({"--in"}), 2);
}

TEST_F(DispatchCommand, ReportsAnUnreadableFileWithStatus1) {
  EXPECT_EQ(Run({"--in", (dir_ / "missing.json").string()}), 1);
  EXPECT_NE(err_.str().find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace muster::cli
