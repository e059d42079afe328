#include "core/runs/RunInfo.h"

#include "core/common/JsonFields.h"

namespace gantry {

namespace {
nlohmann::json dateOrNull(const QDateTime &dt)
{
    if (!dt.isValid())
        return nullptr;
    return dt.toUTC().toString(Qt::ISODateWithMs).toStdString();
}
} // namespace

nlohmann::json RunInfo::toJson() const
{
    nlohmann::json j;
    j["name"] = name.toStdString();
    j["backend"] = backend.toStdString();
    j["project"] = project.toStdString();
    j["configuration_path"] = configurationPath.toStdString();
    j["status"] = toString(status).toStdString();
    j["status_message"] = statusMessage.toStdString();
    j["termination_reason"] =
        terminationReason.isEmpty() ? nlohmann::json() : nlohmann::json(terminationReason.toStdString());
    j["error"] = error.isEmpty() ? nlohmann::json() : nlohmann::json(error.toStdString());
    j["submitted_at"] = dateOrNull(submittedAt);
    j["finished_at"] = dateOrNull(finishedAt);
    j["price"] = price;
    j["cost"] = cost;
    j["ready"] = ready;
    j["offer"] = offer.toJson();
    nlohmann::json service = nullptr;
    if (!serviceUrl.isEmpty() || model) {
        service = nlohmann::json::object();
        service["url"] = serviceUrl.isEmpty() ? nlohmann::json() : nlohmann::json(serviceUrl.toStdString());
        if (model) {
            service["model"] = {{"name", model->name.toStdString()},
                                {"base_url", model->baseUrl.toStdString()},
                                {"format", model->format.toStdString()}};
        } else {
            service["model"] = nullptr;
        }
    }
    j["service"] = service;
    nlohmann::json events = nlohmann::json::array();
    for (const StatusEvent &e : history)
        events.push_back(
            {{"at", dateOrNull(e.at)}, {"status", e.status.toStdString()}, {"message", e.message.toStdString()}});
    j["history"] = events;
    return j;
}

RunInfo RunInfo::fromJson(const nlohmann::json &j)
{
    RunInfo info;
    info.name = jsonfields::string(j, "name");
    info.backend = jsonfields::string(j, "backend");
    info.project = jsonfields::string(j, "project");
    info.configurationPath = jsonfields::string(j, "configuration_path");
    info.status = runStatusFromString(jsonfields::string(j, "status"));
    info.statusMessage = jsonfields::string(j, "status_message");
    info.terminationReason = jsonfields::string(j, "termination_reason");
    info.error = jsonfields::string(j, "error");
    info.submittedAt = jsonfields::dateTime(j, "submitted_at");
    info.finishedAt = jsonfields::dateTime(j, "finished_at");
    info.price = jsonfields::number(j, "price", 0.0);
    info.cost = jsonfields::number(j, "cost", 0.0);
    info.ready = jsonfields::boolean(j, "ready");
    if (auto it = j.find("offer"); it != j.end())
        info.offer = Offer::fromJson(*it);
    if (auto it = j.find("service"); it != j.end() && it->is_object()) {
        info.serviceUrl = jsonfields::string(*it, "url");
        if (auto m = it->find("model"); m != it->end() && m->is_object()) {
            ModelEndpoint endpoint;
            endpoint.name = jsonfields::string(*m, "name");
            endpoint.baseUrl = jsonfields::string(*m, "base_url");
            endpoint.format = jsonfields::string(*m, "format");
            info.model = endpoint;
        }
    }
    if (auto it = j.find("history"); it != j.end() && it->is_array()) {
        for (const auto &e : *it) {
            if (e.is_object())
                info.history.append(
                    {jsonfields::dateTime(e, "at"), jsonfields::string(e, "status"), jsonfields::string(e, "message")});
        }
    }
    return info;
}

} // namespace gantry
