#include "runs/RunInfo.h"

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
    j["termination_reason"] = terminationReason.isEmpty() ? nlohmann::json() : nlohmann::json(terminationReason.toStdString());
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
        events.push_back({{"at", dateOrNull(e.at)}, {"status", e.status.toStdString()}, {"message", e.message.toStdString()}});
    j["history"] = events;
    if (jobs.size() > 1) {
        nlohmann::json list = nlohmann::json::array();
        for (const RunJob &job : jobs)
            list.push_back({{"replica", job.replica}, {"job", job.job}, {"status", job.status.toStdString()}});
        j["jobs"] = list;
    }
    return j;
}

QString RunJob::label(bool byReplica, bool byJob) const
{
    if (byReplica && byJob)
        return QStringLiteral("replica %1, job %2").arg(replica).arg(job);
    if (byJob)
        return QStringLiteral("job %1").arg(job);
    return QStringLiteral("replica %1").arg(replica);
}

} // namespace gantry
