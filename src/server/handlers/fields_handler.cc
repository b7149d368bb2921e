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
  std::shared_ptr<const store::TableSnapshot> snapshot = context.store->Snapshot();
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
  for (size_t key_idx = 0; key_idx < snapshot->tag_key_count(); ++key_idx) {
    json.String(snapshot->tag_key(key_idx));
  }
  json.EndArray();
  json.Key("score_names");
  json.BeginArray();
  for (size_t score_idx = 0; score_idx < snapshot->score_count(); ++score_idx) {
    json.String(snapshot->score_name(score_idx));
  }
  json.EndArray();
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

}  // namespace mltrack::server
