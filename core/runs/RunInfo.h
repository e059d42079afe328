#pragma once

// What every view knows about a run, whatever backend runs it.

#include "core/offers/Offer.h"
#include "core/runs/RunStatus.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace gantry {

// One step of the status timeline shown in the run monitor.
struct StatusEvent {
    QDateTime at;
    QString status; // run status, or "ready" when the probe first passed
    QString message;
};

// How to talk to a published model: everything the chat core needs.
struct ModelEndpoint {
    QString baseUrl; // e.g. http://127.0.0.1:8000/v1 — chat completions = baseUrl + "/chat/completions"
    QString name; // the model name to send
    QString format = QStringLiteral("openai");
    bool needsToken = false; // dstack services with auth: the dstack token is the bearer token
};

struct RunInfo {
    QString name;
    QString backend; // "local", "dstack"
    QString project; // dstack project; host name for local
    QString configurationPath;
    RunStatus status = RunStatus::Submitted;
    QString statusMessage; // dstack's computed message: "running", "exited (3)", "no capacity"…
    QString terminationReason; // dstack literal: stopped_by_user, job_failed, …
    QString error;
    QDateTime submittedAt;
    QDateTime finishedAt;
    Offer offer; // where it runs (the pinned offer)
    double price = 0.0; // $/hour
    double cost = 0.0; // $ so far
    bool ready = false; // probes pass: the service answers
    QString serviceUrl; // absolute
    std::optional<ModelEndpoint> model;
    QList<StatusEvent> history;

    nlohmann::json toJson() const; // the CLI's stable --json shape (also status.json's)
    // toJson's shape read back; tolerant of missing or wrongly typed keys.
    static RunInfo fromJson(const nlohmann::json &j);
};

} // namespace gantry
