#include "core/field.h"
#include "core/json_writer.h"
#include "server/handlers/handlers.h"

namespace mltrack::server {
namespace {

std::string_view KindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kTime: return "time";
    case FieldKind::kString: return "string";
    case FieldKind::kEnum: return "enum";
    case FieldKind::kInt: return "int";
    case FieldKind::kMoney: return "money";
    case FieldKind::kDouble: return "number";
    case FieldKind::kBool: return "bool";
  }
  return "unknown";
}

}  // namespace

HttpResponse HandleFields(AppContext& context, const HttpRequest& request) {
  backend::FieldCatalog catalog = context.backend->Fields();
  JsonWriter json;
  json.BeginObject();
  json.Key("fields");
  json.BeginArray();
  for (const FieldInfo& info : AllFields()) {
    if (info.id == FieldId::kTag || info.id == FieldId::kScore) continue;
    json.BeginObject();
    json.Key("name");
    json.String(info.name);
    json.Key("kind");
    json.String(KindName(info.kind));
    json.Key("dimension");
    json.Bool(info.dimension);
    json.Key("measure");
    json.Bool(info.measure);
    json.EndObject();
  }
  json.EndArray();
  json.Key("tag_keys");
  json.BeginArray();
  for (const std::string& key : catalog.tag_keys) json.String(key);
  json.EndArray();
  json.Key("score_names");
  json.BeginArray();
  for (const std::string& name : catalog.score_names) json.String(name);
  json.EndArray();
  json.Key("demo");
  json.Bool(catalog.demo);
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

}  // namespace mltrack::server
