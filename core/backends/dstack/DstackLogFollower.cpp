#include "core/backends/dstack/DstackLogFollower.h"

#include "core/backends/dstack/DstackClient.h"
#include "core/backends/dstack/DstackJson.h"
#include "core/backends/dstack/DstackModels.h"
#include "core/backends/dstack/DstackRequests.h"
#include "core/common/StatePaths.h"
#include "core/runs/LogStore.h"

#include <QFile>

namespace gantry {

DstackLogFollower::DstackLogFollower(DstackClient *client, const QString &runName, LogStore *store,
                                     const QString &cursorPath, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_runName(runName)
    , m_store(store)
    , m_cursorPath(cursorPath)
{
    QFile f(cursorPath);
    if (f.open(QIODevice::ReadOnly)) {
        const QStringList parts = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        if (parts.size() >= 2) {
            m_submissionId = parts[0];
            m_lastTimestamp = parts[1];
        }
    }
}

void DstackLogFollower::setSubmission(const QString &submissionId)
{
    if (submissionId == m_submissionId)
        return;
    if (!m_submissionId.isEmpty())
        m_store->flushPartial();
    m_submissionId = submissionId;
    m_lastTimestamp.clear();
    saveCursor();
}

void DstackLogFollower::poll()
{
    if (m_inFlight || m_submissionId.isEmpty())
        return;
    m_inFlight = true;
    request(QString());
}

void DstackLogFollower::request(const QString &nextToken)
{
    const nlohmann::json body = dstackPollLogsBody(m_runName, m_submissionId, m_lastTimestamp, nextToken, m_diagnose);
    const QString submission = m_submissionId;
    m_client->post(
        m_client->projectPath(QStringLiteral("logs/poll")), body, this,
        [this, submission](const nlohmann::json &response) {
            if (submission != m_submissionId) { // switched submissions meanwhile: drop
                m_inFlight = false;
                return;
            }
            if (auto logs = response.find("logs"); logs != response.end() && logs->is_array()) {
                for (const auto &event : *logs) {
                    const QByteArray bytes = QByteArray::fromBase64(dstackjson::string(event, "message").toLatin1());
                    const LogSource source = logSourceFromName(dstackjson::string(event, "log_source"));
                    const QString stamp = dstackjson::string(event, "timestamp");
                    const QDateTime at = dstackDateTime(dstackjson::member(event, "timestamp"));
                    m_store->appendChunk(bytes, source, at.isValid() ? at : QDateTime::currentDateTimeUtc());
                    if (!stamp.isEmpty())
                        m_lastTimestamp = stamp;
                }
            }
            saveCursor();
            auto next = response.find("next_token");
            if (next != response.end() && next->is_string() && !next->get<std::string>().empty()) {
                request(QString::fromStdString(next->get<std::string>()));
                return;
            }
            m_inFlight = false;
            Q_EMIT caughtUp();
        },
        [this](const DstackError &error) {
            m_inFlight = false;
            Q_EMIT failed(error);
        });
}

void DstackLogFollower::saveCursor() const
{
    // Best effort: a cursor that is not saved only means a later process appends some events again.
    writeFileAtomically(m_cursorPath, (m_submissionId + QLatin1Char('\n') + m_lastTimestamp).toUtf8(), nullptr);
}

} // namespace gantry
