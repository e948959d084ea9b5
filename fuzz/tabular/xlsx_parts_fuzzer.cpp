// libFuzzer target for the XML side of ReadXlsx. Mutating whole zip files mostly breaks CRCs, so
// this target takes the XML parts as plain text - the worksheet, then optionally the shared
// strings and the styles, separated by lines "#part" - and wraps them in a valid package.
// See xlsx_round_trip.h for what is checked.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tabular/zip_builder.h"
#include "xlsx_round_trip.h"

namespace {

constexpr std::string_view kSeparator = "\n#part\n";
constexpr char kRelNs[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::vector<std::string> SplitParts(std::string_view input) {
  std::vector<std::string> parts;
  while (parts.size() < 2) {
    size_t at = input.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.emplace_back(input.substr(0, at));
    input.remove_prefix(at + kSeparator.size());
  }
  parts.emplace_back(input);
  return parts;
}

std::string Relationship(const char* id, const char* type, const char* target) {
  return std::string("<Relationship Id=\"") + id + "\" Type=\"" + kRelNs + "/" + type +
         "\" Target=\"" + target + "\"/>";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> parts =
      SplitParts(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string rels_ns = "http://schemas.openxmlformats.org/package/2006/relationships";
  std::string rels = Relationship("rId1", "worksheet", "worksheets/sheet1.xml");
  muster::tabular::testing::ZipEntries entries = {
      {"_rels/.rels", "<Relationships xmlns=\"" + rels_ns + "\">" +
                          Relationship("r", "officeDocument", "xl/workbook.xml") +
                          "</Relationships>"},
      {"xl/workbook.xml",
       std::string("<workbook xmlns:r=\"") + kRelNs +
           "\"><sheets><sheet name=\"s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/worksheets/sheet1.xml", parts[0]}};
  if (parts.size() > 1) {
    entries.push_back({"xl/sharedStrings.xml", parts[1]});
    rels += Relationship("rId2", "sharedStrings", "sharedStrings.xml");
  }
  if (parts.size() > 2) {
    entries.push_back({"xl/styles.xml", parts[2]});
    rels += Relationship("rId3", "styles", "styles.xml");
  }
  entries.push_back({"xl/_rels/workbook.xml.rels",
                     "<Relationships xmlns=\"" + rels_ns + "\">" + rels + "</Relationships>"});
  muster::tabular::fuzz::CheckXlsxRoundTrip(muster::tabular::testing::BuildZip(entries));
  return 0;
}
