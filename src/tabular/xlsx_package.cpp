#include "tabular/xlsx_package.h"

#include <map>
#include <vector>

#include "tabular/encoding.h"
#include "tabular/xlsx_xml.h"

namespace muster::tabular {
namespace {

constexpr std::string_view kDefaultWorkbook = "xl/workbook.xml";

struct Relationship {
  std::string type;    // the last segment of the type URI: "worksheet", "sharedStrings"...
  std::string target;  // zip path, resolved
};
using Relationships = std::map<std::string, Relationship, std::less<>>;

Error PackageError(std::string message, std::string reason = "syntax") {
  Error e = BadRequest(std::move(message), "file");
  e.reason = std::move(reason);
  return e;
}

// Resolves `target` against the folder `base` ("xl/") as OPC does: a leading '/' means the
// package root, "." and ".." segments are applied.
std::string ResolveTarget(std::string_view base, std::string_view target) {
  std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                               : std::string(base) + std::string(target);
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    std::string segment = joined.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = slash + 1;
  }
  std::string path;
  for (const auto& segment : segments) path += (path.empty() ? "" : "/") + segment;
  return path;
}

std::string FolderOf(std::string_view part) {
  size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

// Reads the relationships of `part` ("xl/workbook.xml" -> "xl/_rels/workbook.xml.rels").
// A part without a relationship part has none.
Result<Relationships> ReadRelationships(ZipReader& zip, std::string_view part) {
  std::string folder = FolderOf(part);
  std::string rels_part = folder + "_rels/" + std::string(part.substr(folder.size())) + ".rels";
  Relationships relationships;
  if (!zip.Has(rels_part)) return relationships;
  MUSTER_ASSIGN(std::string xml, zip.Read(rels_part));
  pugi::xml_document doc;
  MUSTER_TRY(ParseXml(xml, doc, rels_part));
  for (pugi::xml_node rel : doc.document_element().children()) {
    if (LocalName(rel.name()) != "Relationship") continue;
    if (std::string_view(rel.attribute("TargetMode").value()) == "External") continue;
    std::string_view type = rel.attribute("Type").value();
    type = type.substr(type.rfind('/') + 1);
    relationships[rel.attribute("Id").value()] =
        Relationship{std::string(type), ResolveTarget(folder, rel.attribute("Target").value())};
  }
  return relationships;
}

// Returns the target of the first relationship of `type`, or "" when there is none.
std::string FindTarget(const Relationships& relationships, std::string_view type) {
  for (const auto& [id, rel] : relationships) {
    if (rel.type == type) return rel.target;
  }
  return {};
}

Result<std::string> FindWorkbook(ZipReader& zip) {
  MUSTER_ASSIGN(Relationships root, ReadRelationships(zip, ""));
  std::string workbook = FindTarget(root, "officeDocument");
  if (workbook.empty()) workbook = kDefaultWorkbook;
  if (!zip.Has(workbook)) {
    return PackageError("not an XLSX workbook: the zip archive has no " + workbook, "not_xlsx");
  }
  return workbook;
}

Status ReadWorkbook(ZipReader& zip, const std::string& part, XlsxPackage& package,
                    Relationships& relationships) {
  MUSTER_ASSIGN(relationships, ReadRelationships(zip, part));
  MUSTER_ASSIGN(std::string xml, zip.Read(part));
  pugi::xml_document doc;
  MUSTER_TRY(ParseXml(xml, doc, part));
  pugi::xml_node workbook = doc.document_element();
  if (LocalName(workbook.name()) != "workbook") {
    return PackageError("not an XLSX workbook: " + part + " holds no workbook", "not_xlsx");
  }
  std::string_view date1904 = Child(workbook, "workbookPr").attribute("date1904").value();
  package.date1904 = date1904 == "1" || date1904 == "true";
  for (pugi::xml_node sheet : Child(workbook, "sheets").children()) {
    if (LocalName(sheet.name()) != "sheet") continue;
    std::string name = sheet.attribute("name").value();
    if (!IsValidUtf8(name)) return PackageError("damaged XLSX file: a sheet name is not UTF-8");
    auto rel = relationships.find(PrefixedAttribute(sheet, "id"));
    if (rel == relationships.end()) {
      return PackageError("damaged XLSX file: sheet '" + name + "' has no part");
    }
    if (rel->second.type != "worksheet") continue;  // chart sheets, dialog sheets
    package.worksheets.push_back({std::move(name), rel->second.target});
  }
  return Ok();
}

Status ReadSharedStrings(ZipReader& zip, const std::string& part, XlsxPackage& package) {
  MUSTER_ASSIGN(std::string xml, zip.Read(part));
  pugi::xml_document doc;
  MUSTER_TRY(ParseXml(xml, doc, part));
  for (pugi::xml_node item : doc.document_element().children()) {
    if (LocalName(item.name()) == "si") package.shared_strings.push_back(RichText(item));
  }
  return Ok();
}

Status ReadStyles(ZipReader& zip, const std::string& part, XlsxPackage& package) {
  MUSTER_ASSIGN(std::string xml, zip.Read(part));
  pugi::xml_document doc;
  MUSTER_TRY(ParseXml(xml, doc, part));
  pugi::xml_node styles = doc.document_element();
  std::map<int, NumberKind> custom;
  for (pugi::xml_node format : Child(styles, "numFmts").children()) {
    if (LocalName(format.name()) != "numFmt") continue;
    custom[format.attribute("numFmtId").as_int(-1)] =
        ClassifyFormatCode(format.attribute("formatCode").value());
  }
  for (pugi::xml_node xf : Child(styles, "cellXfs").children()) {
    if (LocalName(xf.name()) != "xf") continue;
    int id = xf.attribute("numFmtId").as_int(0);
    auto found = custom.find(id);
    package.style_kinds.push_back(found != custom.end() ? found->second
                                                        : ClassifyBuiltinFormat(id));
  }
  return Ok();
}

}  // namespace

Result<XlsxPackage> ReadXlsxPackage(ZipReader& zip) {
  MUSTER_ASSIGN(std::string workbook, FindWorkbook(zip));
  XlsxPackage package;
  Relationships relationships;
  MUSTER_TRY(ReadWorkbook(zip, workbook, package, relationships));
  std::string shared = FindTarget(relationships, "sharedStrings");
  if (shared.empty() && zip.Has("xl/sharedStrings.xml")) shared = "xl/sharedStrings.xml";
  if (!shared.empty()) MUSTER_TRY(ReadSharedStrings(zip, shared, package));
  std::string styles = FindTarget(relationships, "styles");
  if (!styles.empty() && zip.Has(styles)) MUSTER_TRY(ReadStyles(zip, styles, package));
  return package;
}

}  // namespace muster::tabular
