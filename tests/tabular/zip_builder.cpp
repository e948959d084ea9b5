#include "tabular/zip_builder.h"

#include <zip.h>

#include <cstdio>
#include <stdexcept>

namespace muster::tabular::testing {
namespace {

constexpr char kMainNs[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr char kRelNs[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string Relationship(const std::string& id, const std::string& type,
                         const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + std::string(kRelNs) + "/" + type +
         "\" Target=\"" + target + "\"/>";
}

std::string ReadAll(zip_source_t* source) {
  if (zip_source_open(source) < 0) throw std::runtime_error("zip_source_open failed");
  zip_source_seek(source, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(source);
  zip_source_seek(source, 0, SEEK_SET);
  std::string bytes(static_cast<size_t>(size), '\0');
  zip_source_read(source, bytes.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(source);
  return bytes;
}

}  // namespace

std::string BuildZip(const ZipEntries& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);  // still needed after zip_close, to read the archive out
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) throw std::runtime_error("zip_open_from_source failed");
  for (const auto& [path, content] : entries) {
    zip_source_t* data = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (data == nullptr || zip_file_add(archive, path.c_str(), data, ZIP_FL_ENC_UTF_8) < 0) {
      throw std::runtime_error("zip_file_add failed for " + path);
    }
  }
  if (zip_close(archive) < 0) throw std::runtime_error("zip_close failed");
  std::string bytes = ReadAll(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return bytes;
}

ZipEntries XlsxEntries(const XlsxParts& parts) {
  std::string sheets;
  std::string rels;
  ZipEntries entries;
  for (size_t i = 0; i < parts.sheets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    sheets += "<sheet name=\"" + parts.sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n +
              "\"/>";
    rels += Relationship("rId" + n, "worksheet", "worksheets/sheet" + n + ".xml");
    entries.push_back({"xl/worksheets/sheet" + n + ".xml",
                       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                       "<worksheet xmlns=\"" +
                           std::string(kMainNs) + "\"><sheetData>" + parts.sheets[i].second +
                           "</sheetData></worksheet>"});
  }
  if (!parts.shared_strings.empty()) {
    std::string sst = "<sst xmlns=\"" + std::string(kMainNs) + "\">";
    for (const auto& item : parts.shared_strings) sst += "<si>" + item + "</si>";
    entries.push_back({"xl/sharedStrings.xml", sst + "</sst>"});
    rels += Relationship("rIdS", "sharedStrings", "sharedStrings.xml");
  }
  if (!parts.styles.empty()) {
    entries.push_back({"xl/styles.xml", parts.styles});
    rels += Relationship("rIdT", "styles", "styles.xml");
  }
  std::string pr = parts.date1904 ? "<workbookPr date1904=\"1\"/>" : "";
  entries.push_back({"xl/workbook.xml", "<workbook xmlns=\"" + std::string(kMainNs) +
                                            "\" xmlns:r=\"" + kRelNs + "\">" + pr + "<sheets>" +
                                            sheets + "</sheets></workbook>"});
  entries.push_back({"xl/_rels/workbook.xml.rels",
                     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                     "relationships\">" +
                         rels + "</Relationships>"});
  entries.push_back({"_rels/.rels",
                     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                     "relationships\">" +
                         Relationship("rId1", "officeDocument", "xl/workbook.xml") +
                         "</Relationships>"});
  return entries;
}

std::string BuildXlsx(const XlsxParts& parts) { return BuildZip(XlsxEntries(parts)); }

}  // namespace muster::tabular::testing
