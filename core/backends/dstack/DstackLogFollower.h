#pragma once

// Tails one dstack run's logs into a LogStore through logs/poll (docs/reference/dstack-api.md#requests).
// Events are base64 chunks of raw bytes, not lines: each is decoded and appended with
// LogStore::appendChunk per source, which keeps partial lines and partial UTF-8 sequences
// until their end arrives. poll() drains everything available now (following next_token);
// the next poll() resumes after the last event's timestamp (start_time is exclusive).
// The cursor is saved next to the log so a later process does not append the same events again.

#include "core/backends/dstack/DstackError.h"

#include <QObject>
#include <QString>

namespace gantry {

class DstackClient;
class LogStore;

class DstackLogFollower : public QObject
{
    Q_OBJECT
public:
    DstackLogFollower(DstackClient *client, const QString &runName, LogStore *store, const QString &cursorPath,
                      QObject *parent = nullptr);

    // diagnose: follow the runner's own log (provisioning) instead of the job's output.
    void setDiagnose(bool diagnose) { m_diagnose = diagnose; }

    // A new submission (a retry) has its own log: follow that one from its start.
    void setSubmission(const QString &submissionId);
    QString submission() const { return m_submissionId; }

    // Fetch what is new; does nothing while a poll is already in flight.
    void poll();
    bool isPolling() const { return m_inFlight; }

Q_SIGNALS:
    void caughtUp(); // one poll() drained everything available
    void failed(const gantry::DstackError &error);

private:
    void request(const QString &nextToken);
    void saveCursor() const;

    DstackClient *m_client;
    QString m_runName;
    LogStore *m_store;
    QString m_cursorPath;
    QString m_submissionId;
    QString m_lastTimestamp; // exactly as the server sent it
    bool m_inFlight = false;
    bool m_diagnose = false;
};

} // namespace gantry
